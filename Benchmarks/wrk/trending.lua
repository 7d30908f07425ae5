-- trending recommendations: POST /v1/recommendations for a random known person.
--
--   BARISTA_KEY=pk_... BENCH_PEOPLE=20000 wrk -t1 -c32 -d10s --latency -s Benchmarks/wrk/trending.lua http://127.0.0.1:8080
--
-- Body: {"user":{"user_id":"u<n>"},"strategy":"trending","limit":10}, n uniform in 0 … BENCH_PEOPLE-1
-- (trending excludes what the person purchased, so the user matters a little).
--
-- Environment:
--   BARISTA_KEY     publishable (or secret) key of the site (required)
--   BENCH_PEOPLE    people to pick from (default 20000): user ids u0 … u(N-1)
--   BENCH_LIMIT     "limit" of each request (default 10)
--   BENCH_LUA_SEED  random seed (default: the clock); each thread adds its own offset
--
-- response() counts statuses (and 2xx answers with an empty item list) itself, since wrk only
-- reports "Non-2xx or 3xx responses"; done() prints a summary line and one line
-- "BENCH_RESULT {json}" for scripts/bench-recommendations.sh. Counters are per-thread globals
-- gathered with thread:get() (wrk runs each thread in its own Lua state).

local strategy = "trending"
local key = os.getenv("BARISTA_KEY")
if key == nil or key == "" then
   io.stderr:write("trending.lua: set BARISTA_KEY to a site key\n")
   os.exit(2)
end
local people = tonumber(os.getenv("BENCH_PEOPLE") or "") or 20000
local limit  = tonumber(os.getenv("BENCH_LIMIT") or "") or 10
local seed   = tonumber(os.getenv("BENCH_LUA_SEED") or "")

local function body()
   return string.format('{"user":{"user_id":"u%d"},"strategy":"trending","limit":%d}',
      math.random(0, people - 1), limit)
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

-- Thread states: globals so that thread:get() can read them.
ok = 0              -- 2xx
non2xx = 0          -- anything outside 200-299
status3xx = 0
status4xx = 0
status5xx = 0
empty = 0           -- 2xx whose "items" list is empty
first_error = ""    -- "<status> <start of body>" of the first non-2xx

function init(args)
   math.randomseed((seed or os.time()) + 7919 * (thread_id or 0))
end

function request()
   return wrk.format(nil, nil, nil, body())
end

function response(status, headers, payload)
   if status >= 200 and status <= 299 then
      ok = ok + 1
      if string.find(payload or "", '"items"%s*:%s*%[%s*%]') then empty = empty + 1 end
      return
   end
   non2xx = non2xx + 1
   if status >= 500 then status5xx = status5xx + 1
   elseif status >= 400 then status4xx = status4xx + 1
   elseif status >= 300 then status3xx = status3xx + 1 end
   if first_error == "" then
      first_error = status .. " " .. string.sub(string.gsub(string.gsub(payload or "", "%s+", " "), '[^%w %.,:;_/%-]', ""), 1, 160)
   end
end

-- Main state again, after the run.
function done(summary, latency, requests)
   local t = {ok = 0, non2xx = 0, status3xx = 0, status4xx = 0, status5xx = 0, empty = 0}
   local first = ""
   for _, thread in ipairs(threads) do
      for name, _ in pairs(t) do t[name] = t[name] + (thread:get(name) or 0) end
      if first == "" then first = thread:get("first_error") or "" end
   end
   local seconds = summary.duration / 1e6
   local e = summary.errors
   local socket_errors = e.connect + e.read + e.write + e.timeout
   local p50, p99 = latency:percentile(50) / 1000, latency:percentile(99) / 1000
   io.write(string.format("%s/s: %.0f, p50 %.2f ms, p99 %.2f ms, non-2xx: %d (4xx %d, 5xx %d), empty lists: %d, socket errors: %d\n",
      strategy, summary.requests / seconds, p50, p99, t.non2xx, t.status4xx, t.status5xx, t.empty, socket_errors))
   if first ~= "" then io.write("first non-2xx: " .. first .. "\n") end
   io.write(string.format(
      'BENCH_RESULT {"strategy":"%s","requests_per_second":%.1f,"requests":%d,"seconds":%.3f,"p50_ms":%.3f,'
         .. '"p99_ms":%.3f,"max_ms":%.3f,"ok":%d,"non_2xx":%d,"status_3xx":%d,"status_4xx":%d,"status_5xx":%d,'
         .. '"empty_items":%d,"socket_errors":%d,"timeouts":%d,"first_error":"%s"}\n',
      strategy, summary.requests / seconds, summary.requests, seconds, p50, p99, latency.max / 1000,
      t.ok, t.non2xx, t.status3xx, t.status4xx, t.status5xx, t.empty, socket_errors, e.timeout, first))
end
