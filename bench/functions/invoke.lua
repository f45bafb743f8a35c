-- wrk script: POST one small JSON event to a function's Invoke URL (the path
-- comes on the command line). Counts answers that are not a clean success
-- (status other than 200, or X-Amz-Function-Error set) and prints them as
-- "bad=N" at the end, so a benchmark of failing invokes cannot pass unseen.
wrk.method = "POST"
wrk.body = '{"n":1}'
wrk.headers["Content-Type"] = "application/json"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  local failed = status ~= 200
  for name, _ in pairs(headers) do
    if string.lower(name) == "x-amz-function-error" then failed = true end
  end
  if failed then bad = bad + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("bad")
  end
  io.write(string.format("bad=%d\n", total))
end
