-- Recommendations: POST /v1/recommendations for a random known person, one strategy per run.
--
--   BARISTA_KEY=pk_... BENCH_STRATEGY=for_you BENCH_PEOPLE=20000 BENCH_ITEMS=20000 \
--     wrk -t1 -c32 -d10s --latency -s Benchmarks/wrk/recommendations.lua http://127.0.0.1:8080
--
-- Bodies, n uniform in 0 … BENCH_PEOPLE-1 and m uniform in 0 … BENCH_ITEMS-1 (the ids
-- Benchmarks/generate_shop.py creates; every person has views):
--   for_you   {"user":{"user_id":"u<n>"},"strategy":"for_you","limit":10}
--   similar   {"user":{"user_id":"u<n>"},"strategy":"similar","context":{"item_id":"sku-<m>"},"limit":10}
--   trending  {"user":{"user_id":"u<n>"},"strategy":"trending","limit":10}
--
-- Environment:
--   BARISTA_KEY     publishable (or secret) key of the site (required)
--   BENCH_STRATEGY  for_you (default), similar or trending
--   BENCH_PEOPLE    people to pick from (default 20000): user ids u0 … u(N-1)
--   BENCH_ITEMS     items to pick from (default 20000): item ids sku-0 … sku-(N-1)
--   BENCH_LIMIT     "limit" of each request (default 10)
--   BENCH_LUA_SEED  random seed (default: the clock); each thread adds its own offset
--
-- No response() callback: defining one makes wrk buffer and hand every body to Lua, which cost a
-- quarter of wrk's single thread on 4 KB answers and measured wrk, not Barista. Non-2xx come from
-- wrk's own "Non-2xx or 3xx responses" line (status ≥ 400) and socket errors from its summary;
-- scripts/bench-recommendations.sh checks sample answers for empty item lists with curl.
-- done() prints one line "BENCH_RESULT {json}" for the script.

local strategy = os.getenv("BENCH_STRATEGY") or "for_you"
if strategy == "" then strategy = "for_you" end
local key = os.getenv("BARISTA_KEY")
if key == nil or key == "" then
   io.stderr:write("recommendations.lua: set BARISTA_KEY to a site key\n")
   os.exit(2)
end
local people = tonumber(os.getenv("BENCH_PEOPLE") or "") or 20000
local items  = tonumber(os.getenv("BENCH_ITEMS") or "") or 20000
local limit  = tonumber(os.getenv("BENCH_LIMIT") or "") or 10
local seed   = tonumber(os.getenv("BENCH_LUA_SEED") or "")

local function body()
   local user = math.random(0, people - 1)
   if strategy == "similar" then
      return string.format('{"user":{"user_id":"u%d"},"strategy":"similar","context":{"item_id":"sku-%d"},"limit":%d}',
         user, math.random(0, items - 1), limit)
   end
   return string.format('{"user":{"user_id":"u%d"},"strategy":"%s","limit":%d}', user, strategy, limit)
end

wrk.method = "POST"
wrk.path = "/v1/recommendations"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/json"

-- Main state: the thread objects.
local threads = {}

function setup(thread)
   thread:set("thread_id", #threads)
   table.insert(threads, thread)
end

function init(args)
   math.randomseed((seed or os.time()) + 7919 * (thread_id or 0))
end

function request()
   return wrk.format(nil, nil, nil, body())
end

-- Main state again, after the run.
function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   local socket_errors = e.connect + e.read + e.write + e.timeout
   local p50, p99 = latency:percentile(50) / 1000, latency:percentile(99) / 1000
   io.write(string.format("%s/s: %.0f, p50 %.2f ms, p99 %.2f ms, non-2xx: %d, socket errors: %d\n",
      strategy, summary.requests / seconds, p50, p99, e.status, socket_errors))
   io.write(string.format(
      'BENCH_RESULT {"strategy":"%s","requests_per_second":%.1f,"requests":%d,"seconds":%.3f,"p50_ms":%.3f,'
         .. '"p99_ms":%.3f,"max_ms":%.3f,"non_2xx":%d,"socket_errors":%d,"timeouts":%d}\n',
      strategy, summary.requests / seconds, summary.requests, seconds, p50, p99, latency.max / 1000,
      e.status, socket_errors, e.timeout))
end
