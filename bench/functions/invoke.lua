-- wrk script: POST one small JSON event to a function's Invoke URL (the path
-- comes on the command line). Counts answers that are not a clean success
-- (status other than 200, or X-Amz-Function-Error set) and prints them as
-- "bad=N" at the end, so a benchmark of failing invokes cannot pass unseen.
wrk.method = "POST"
wrk.body = '{"n":1}'
wrk.headers["Content-Type"] = "application/json"

threads = {} -- every thread, for done()

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

-- Whether an Invoke's answer is not a clean success.
function invoke_failed(status, headers)
  if status ~= 200 then return true end
  for name, _ in pairs(headers) do
    if string.lower(name) == "x-amz-function-error" then return true end
  end
  return false
end

function response(status, headers, body)
  if invoke_failed(status, headers) then bad = bad + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("bad")
  end
  io.write(string.format("bad=%d\n", total))
end
