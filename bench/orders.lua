-- wrk script: every buyer places one order, POST /api/v1/orders/ with their own bearer token.
--
--   wrk -t2 -c16 -d300s -s bench/orders.lua URL -- BUYERS_FILE THREADS
--
-- BUYERS_FILE has one "token address_id" line per buyer. Thread i takes every THREADS-th
-- line from the i-th; when a thread's buyers are all answered it prints BENCH-THREAD-DONE and
-- stops, and bench/run.py interrupts wrk once every thread has (or when no thread has
-- reported progress for a while: a request lost to a socket error is never answered). The rate is measured here
-- (first request to last answer), since wrk's own divides by the whole -d.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

-- main state: one entry per thread, read back in done()
local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

-- thread state
local requests = {}
reserved, sent, answered = 0, 0, 0
first_us, last_us = 0, 0
created, refused, other = 0, 0, 0  -- 201, 409 (sold out), anything else

function init(args)
  local path, thread_count = args[1], tonumber(args[2])
  local index = wrk.thread:get("index")
  local n = 0
  for line in io.lines(path) do
    if n % thread_count == index then
      local token, address_id = line:match("^(%S+)%s+(%d+)$")
      local headers = {}
      for name, value in pairs(wrk.headers) do headers[name] = value end  -- Host and -H headers
      headers["Authorization"] = "Bearer " .. token
      headers["Content-Type"] = "application/json"
      headers["Idempotency-Key"] = "checkout-" .. token
      table.insert(requests, wrk.format("POST", "/api/v1/orders/", headers,
        '{"address_id": ' .. address_id .. '}'))
    end
    n = n + 1
  end
end

-- Called before each request: a connection waits (an hour) once this thread's buyers are taken.
function delay()
  if reserved < #requests then
    reserved = reserved + 1
    return 0
  end
  return 3600000
end

function request()
  if reserved == 0 then
    -- wrk calls request() once before the run to count pipelined requests: not a buyer's turn
    return requests[1]
  end
  sent = sent + 1
  if sent == 1 then first_us = now_us() end
  return requests[sent]
end

function response(status, headers, body)
  answered = answered + 1
  last_us = now_us()
  if status == 201 then
    created = created + 1
  elseif status == 409 then
    refused = refused + 1
  else
    other = other + 1
    if other <= 3 then io.stdout:write("BENCH-UNEXPECTED " .. status .. " " .. body .. "\n") end
  end
  -- often enough that bench/run.py's stall check (no line for 60 s) never fires on a slow
  -- but steady run: every 200 answers was 40 s apart at 5 orders/s per thread
  if answered % 10 == 0 then
    io.stdout:write("BENCH-PROGRESS\n")
    io.stdout:flush()
  end
  if answered == #requests then
    io.stdout:write("BENCH-THREAD-DONE\n")
    io.stdout:flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, _)
  local first, last, total, buyers = math.huge, 0, 0, 0
  local counts = {created = 0, refused = 0, other = 0}
  for _, thread in ipairs(threads) do
    if thread:get("answered") > 0 then
      first = math.min(first, thread:get("first_us"))
      last = math.max(last, thread:get("last_us"))
    end
    total = total + thread:get("answered")
    buyers = buyers + thread:get("reserved")
    for name, _ in pairs(counts) do counts[name] = counts[name] + thread:get(name) end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"answered": %d, "sent": %d, "seconds": %.6f, "p50_ms": %.3f, "p99_ms": %.3f, ' ..
    '"statuses": {"201": %d, "409": %d, "other": %d}, "socket_errors": %d}\n',
    total, buyers, math.max(last - first, 1) / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, counts.created, counts.refused, counts.other,
    errors.connect + errors.read + errors.write + errors.timeout))
end
