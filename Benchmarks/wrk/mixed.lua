-- A mixed load for the soak: in every ten requests, four POST /v1/events (a batch of five events
-- of one of BENCH_PEOPLE people), three POST /v1/recommendations, two POST /v1/decide and one
-- GET /v1/profiles/{id} (secret key). Every event has a fresh message_id.
--
--   BARISTA_PK=pk_... BARISTA_SK=sk_... BENCH_PEOPLE=1000 wrk -t1 -c8 -d60s --latency -s Benchmarks/wrk/mixed.lua http://127.0.0.1:8080
--
-- done() prints "BENCH_RESULT {json}" like the other scripts.

local pk, sk = os.getenv("BARISTA_PK"), os.getenv("BARISTA_SK")
if pk == nil or pk == "" or sk == nil or sk == "" then
   io.stderr:write("mixed.lua: set BARISTA_PK and BARISTA_SK\n")
   os.exit(2)
end
local people = tonumber(os.getenv("BENCH_PEOPLE") or "") or 1000
local items = tonumber(os.getenv("BENCH_ITEMS") or "") or 12
local counter = 0
local thread_id = 0

function setup(thread)
   thread:set("thread_id", thread_id)
   thread_id = thread_id + 1
end

function init(args)
   math.randomseed(os.time() + math.floor(os.clock() * 1e6) + (thread_id or 0))
end

local function person() return "u" .. math.random(0, people - 1) end
local function item() return "sku-" .. math.random(1, items) end

function request()
   counter = counter + 1
   local slot = counter % 10
   if slot < 4 then
      local user = person()
      local events = {}
      for i = 1, 5 do
         local name = (i == 5 and math.random() < 0.2) and "Product Added" or "Product Viewed"
         events[i] = string.format('{"type":"track","event":"%s","user_id":"%s","message_id":"soak-%d-%d-%d-%d","properties":{"product_id":"%s"}}',
            name, user, thread_id or 0, counter, i, math.random(0, 1e9), item())
      end
      return wrk.format("POST", "/v1/events", {["Authorization"] = "Bearer " .. pk, ["Content-Type"] = "application/json"},
         '{"batch":[' .. table.concat(events, ",") .. ']}')
   elseif slot < 7 then
      return wrk.format("POST", "/v1/recommendations", {["Authorization"] = "Bearer " .. pk, ["Content-Type"] = "application/json"},
         '{"user":{"user_id":"' .. person() .. '"},"strategy":"for_you","limit":8}')
   elseif slot < 9 then
      return wrk.format("POST", "/v1/decide", {["Authorization"] = "Bearer " .. pk, ["Content-Type"] = "application/json"},
         '{"user":{"user_id":"' .. person() .. '"},"placements":["home_hero","in_app"]}')
   else
      return wrk.format("GET", "/v1/profiles/" .. person() .. "?by=user_id", {["Authorization"] = "Bearer " .. sk})
   end
end

function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests_per_second":%.1f,"requests":%d,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"non_2xx":%d,"socket_errors":%d}\n',
      summary.requests / seconds, summary.requests, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
