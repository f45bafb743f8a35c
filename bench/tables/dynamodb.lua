-- DynamoDB JSON requests for wrk, the same bytes for every server measured.
--   wrk -s bench/tables/dynamodb.lua http://127.0.0.1:PORT/ -- OPERATION
-- OPERATION: GetItem | PutItem | Query | Scan (the data bench/tables/load.py
-- writes). Requests are built once in init() and replayed round-robin, so
-- wrk spends no time formatting during the measurement. The Authorization
-- header is a well-formed SigV4 header that is not checked: dynalite wants
-- one present, Kumo (--auth off) ignores it.
local requests = {}
local count = 0
local next_index = 0

local GET_KEYS = 10000   -- items item-0 .. item-9999 (sort key 0)
local QUERY_PARTITIONS = 10  -- partitions q-0 .. q-9 of 100 items each
local PUT_VARIANTS = 5000

local function body_for(op, k)
  if op == "GetItem" then
    return string.format(
      '{"TableName":"bench","Key":{"pk":{"S":"item-%d"},"sk":{"N":"0"}}}', k % GET_KEYS)
  elseif op == "PutItem" then
    return string.format(
      '{"TableName":"bench","Item":{"pk":{"S":"put-%d"},"sk":{"N":"0"},"name":{"S":"user %d"},' ..
      '"score":{"N":"%d"},"active":{"BOOL":true},"tags":{"SS":["blue","green"]},' ..
      '"bio":{"S":"%s"}}}', k, k, k % 1000, string.rep("x", 120))
  elseif op == "Query" then
    return string.format(
      '{"TableName":"bench","KeyConditionExpression":"pk = :p",' ..
      '"ExpressionAttributeValues":{":p":{"S":"q-%d"}}}', k % QUERY_PARTITIONS)
  elseif op == "Scan" then
    return '{"TableName":"scan10k","FilterExpression":"cat = :c",' ..
           '"ExpressionAttributeValues":{":c":{"N":"3"}}}'
  end
  error("unknown operation " .. tostring(op))
end

function init(args)
  local op = args[1]
  local headers = {
    ["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = "DynamoDB_20120810." .. op,
    ["X-Amz-Date"] = "20240101T000000Z",
    ["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/aws4_request, " ..
                        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" ..
                        string.rep("0", 64),
  }
  local variants = op == "PutItem" and PUT_VARIANTS or GET_KEYS
  for j = 1, variants do
    requests[j] = wrk.format("POST", "/", headers, body_for(op, j - 1))
  end
  count = variants
  -- Each wrk thread starts at its own offset of the same shuffled order.
  next_index = math.random(0, count - 1)
end

function request()
  next_index = next_index % count + 1
  return requests[next_index]
end
