-- wrk script: bench/functions/invoke.lua (POST, counts answers that are not
-- a clean 200) with the body read from the file BENCH_EVENT_FILE names: an
-- HTTP API's payload 2.0 event, to invoke a function directly with the same
-- bytes the API path hands it.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "../functions/invoke.lua")

local name = os.getenv("BENCH_EVENT_FILE")
assert(name, "BENCH_EVENT_FILE is not set")
local file = assert(io.open(name, "rb"))
wrk.body = file:read("*a")
file:close()
