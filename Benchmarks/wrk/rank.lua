-- Personalized ranking: POST /v1/rank of BENCH_RANK_ITEMS (default 200) random catalog items for
-- a random known person.
--
--   BARISTA_KEY=pk_... BENCH_PEOPLE=100000 BENCH_ITEMS=20000 \
--     wrk -t1 -c32 -d10s --latency -s Benchmarks/wrk/rank.lua http://127.0.0.1:8080
--
-- 256 bodies are made per thread at start (ids u<n> and sku-<m>, as Benchmarks/generate_shop.py
-- writes them) and sent in turn, so the load measures Barista rather than Lua string building.
-- done() prints one line "BENCH_RESULT {json}".

local key = os.getenv("BARISTA_KEY")
if key == nil or key == "" then
   io.stderr:write("rank.lua: set BARISTA_KEY to a site key\n")
   os.exit(2)
end
local people = tonumber(os.getenv("BENCH_PEOPLE") or "") or 20000
local items  = tonumber(os.getenv("BENCH_ITEMS") or "") or 20000
local count  = tonumber(os.getenv("BENCH_RANK_ITEMS") or "") or 200

wrk.method = "POST"
wrk.path = "/v1/rank"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/json"

local bodies = {}
local next_body = 1

function init(args)
   math.randomseed(os.time() + math.floor(os.clock() * 1e6))
   for b = 1, 256 do
      local chosen, ids = {}, {}
      while #ids < count do
         local m = math.random(0, items - 1)
         if not chosen[m] then
            chosen[m] = true
            ids[#ids + 1] = '"sku-' .. m .. '"'
         end
      end
      bodies[b] = '{"user":{"user_id":"u' .. math.random(0, people - 1) .. '"},"items":[' .. table.concat(ids, ",") .. ']}'
   end
end

function request()
   local body = bodies[next_body]
   next_body = next_body % #bodies + 1
   return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   local socket_errors = e.connect + e.read + e.write + e.timeout
   io.write(string.format(
      'BENCH_RESULT {"requests_per_second":%.1f,"requests":%d,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"non_2xx":%d,"socket_errors":%d}\n',
      summary.requests / seconds, summary.requests, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, e.status, socket_errors))
end
