-- wrk script: the API, the direct Invoke and the direct Invoke carrying the
-- API's event, taking turns in short time slots on the same connections, so
-- that all three see the same moments of the host: the slots go API,
-- direct, API, event, API, direct, ... and each counts the answers of its
-- own kind that arrive in it. Every slot boundary is between the API and an
-- Invoke, whose answers differ ("ok" from the API, the function's JSON from
-- the Invoke), so an answer to a request sent in the slot before is never
-- counted as the new slot's. apibench.py turns each slot's count into the
-- API's throughput share of its neighbours.
--
-- Run with -t1 on http://127.0.0.1:PORT; the rest comes from the
-- environment: BENCH_API_HOST (the API's Host header), BENCH_DIRECT_PATH
-- (the Invoke path), BENCH_EVENT_FILE (the API's event), BENCH_SLOT_MS, and
-- BENCH_CONTROL=1 for a control of the method itself: every slot sends the
-- API's request and counts every clean answer, so the "shares" compare a
-- path with itself and should be 1.
-- Prints "slots=" and the slots' counts, comma-separated, "first=" and when
-- slot 0 began (CLOCK_MONOTONIC milliseconds), then "bad=N":
-- answers that are not a clean success (200 "ok" through the API; 200
-- without X-Amz-Function-Error directly).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "../functions/invoke.lua") -- setup, invoke_failed, done's bad=N

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } kumo_timespec;
  int clock_gettime(int clock, kumo_timespec *now);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("kumo_timespec")

local function millis()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1e3 + tonumber(clock.tv_nsec) / 1e6
end

local function setting(name)
  local value = os.getenv(name)
  assert(value, name .. " is not set")
  return value
end

local API, DIRECT, EVENT = 1, 2, 3
local PATTERN = { API, DIRECT, API, EVENT }

function init(args)
  local file = assert(io.open(setting("BENCH_EVENT_FILE"), "rb"))
  local event = file:read("*a")
  file:close()
  local direct = setting("BENCH_DIRECT_PATH")
  -- The Invokes as invoke.lua sends them (its body, its headers); the API's
  -- GET without a body, as api.lua's (wrk.format falls back on wrk.body).
  local invoke_body = wrk.body
  wrk.body = nil
  prepared = {
    [API] = wrk.format("GET", "/", { Host = setting("BENCH_API_HOST") }),
    [DIRECT] = wrk.format("POST", direct, wrk.headers, invoke_body),
    [EVENT] = wrk.format("POST", direct, wrk.headers, event),
  }
  control = os.getenv("BENCH_CONTROL") == "1"
  if control then
    prepared[DIRECT], prepared[EVENT] = prepared[API], prepared[API]
  end
  slot_ms = tonumber(setting("BENCH_SLOT_MS"))
  first = nil -- when the first request went out
  counts = {} -- slot index (from 0) -> answers of the slot's kind
  bad = 0
end

local function slot()
  return math.floor((millis() - first) / slot_ms)
end

function request()
  first = first or millis()
  return prepared[PATTERN[slot() % #PATTERN + 1]]
end

function response(status, headers, body)
  local s = slot()
  local through_api = body == "ok"
  if status ~= 200 or (not through_api and invoke_failed(status, headers)) then
    bad = bad + 1
    return
  end
  if control or through_api == (PATTERN[s % #PATTERN + 1] == API) then
    counts[s] = (counts[s] or 0) + 1
  end
end

local count_bad = done

function done(summary, latency, requests)
  -- One thread: its slots, the last (cut short by the end) left out.
  local counts = threads[1]:get("counts")
  local last = -1
  for s, _ in pairs(counts) do
    if s > last then last = s end
  end
  local out = {}
  for s = 0, last - 1 do
    out[#out + 1] = tostring(counts[s] or 0)
  end
  io.write("slots=" .. table.concat(out, ",") .. "\n")
  -- When slot 0 began, in CLOCK_MONOTONIC milliseconds (for attribute.py).
  io.write(string.format("first=%.3f\n", threads[1]:get("first") or 0))
  count_bad(summary, latency, requests)
end
