-- wrk script: GET through an HTTP API (the Host header, when the API is
-- addressed by name, comes on the command line with -H). Counts answers that
-- are not 200 with the function's body "ok" and prints them as "bad=N" at the
-- end (bench/functions/invoke.lua's counting, with another test of an answer).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "../functions/invoke.lua")

wrk.method = "GET"
wrk.body = nil
wrk.headers["Content-Type"] = nil

function response(status, headers, body)
  if status ~= 200 or body ~= "ok" then bad = bad + 1 end
end
