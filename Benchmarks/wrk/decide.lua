-- Decisions: POST /v1/decide for a random known person and three placements.
--
--   BARISTA_KEY=pk_... BENCH_PEOPLE=20000 wrk -t1 -c4 -d10s --latency -s Benchmarks/wrk/decide.lua http://127.0.0.1:8080
--
-- Body: {"user":{"user_id":"u<n>"},"placements":["home_hero","category_banner","cart_offer"]}, n uniform
-- in 0 … BENCH_PEOPLE-1 (people Benchmarks/generate_shop.py created). done() prints "BENCH_RESULT {json}".

local key = os.getenv("BARISTA_KEY")
if key == nil or key == "" then
   io.stderr:write("decide.lua: set BARISTA_KEY to a site key\n")
   os.exit(2)
end
local people = tonumber(os.getenv("BENCH_PEOPLE") or "") or 20000

wrk.method = "POST"
wrk.path = "/v1/decide"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/json"

function init(args)
   math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
   local body = '{"user":{"user_id":"u' .. math.random(0, people - 1) .. '"},"placements":["home_hero","category_banner","cart_offer"]}'
   return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests_per_second":%.1f,"requests":%d,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"non_2xx":%d,"socket_errors":%d}\n',
      summary.requests / seconds, summary.requests, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
