-- Profile reads: GET /v1/profiles/bench-<n> for random people the ingest run created.
--
--   BARISTA_KEY=sk_... wrk -t1 -c16 -d10s --latency -s Benchmarks/wrk/profile-read.lua http://127.0.0.1:8080
--
-- Environment:
--   BARISTA_KEY   secret key (required: publishable keys may not read profiles)
--   BENCH_USERS   people to read among (default 10000, as in ingest.lua); every bench-<n> below it
--                 exists once ingest.lua has sent BENCH_USERS events from one thread
--
-- done() prints one line "BENCH_RESULT {json}" with p50/p99 in milliseconds, for
-- scripts/bench-ingest.sh. Counters are per-thread globals gathered with thread:get().

local key = os.getenv("BARISTA_KEY")
if key == nil or key == "" then
   io.stderr:write("profile-read.lua: set BARISTA_KEY to a secret key\n")
   os.exit(2)
end

local users = tonumber(os.getenv("BENCH_USERS") or "") or 10000

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. key

local threads = {}

function setup(thread)
   thread:set("thread_id", #threads)
   table.insert(threads, thread)
end

non2xx = 0
not_found = 0

function init(args)
   math.randomseed(os.time() + 7919 * (thread_id or 0))
end

function request()
   return wrk.format(nil, "/v1/profiles/bench-" .. math.random(0, users - 1))
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if status == 404 then not_found = not_found + 1 end
   end
end

function done(summary, latency, requests)
   local bad, missing = 0, 0
   for _, thread in ipairs(threads) do
      bad = bad + (thread:get("non2xx") or 0)
      missing = missing + (thread:get("not_found") or 0)
   end
   local seconds = summary.duration / 1e6
   local e = summary.errors
   local socket_errors = e.connect + e.read + e.write + e.timeout
   io.write(string.format("profile reads/s: %.0f, p50 %.2f ms, p99 %.2f ms, non-2xx: %d (404: %d), socket errors: %d\n",
      summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      bad, missing, socket_errors))
   io.write(string.format(
      'BENCH_RESULT {"requests_per_second":%.1f,"requests":%d,"seconds":%.3f,"p50_ms":%.3f,"p99_ms":%.3f,'
         .. '"max_ms":%.3f,"non_2xx":%d,"not_found":%d,"socket_errors":%d,"timeouts":%d}\n',
      summary.requests / seconds, summary.requests, seconds, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000, bad, missing, socket_errors, e.timeout))
end
