// Invoke through the AWS SDK for JavaScript v3 against functions that run:
// RequestResponse (payload, ExecutedVersion, LogResult), function errors,
// DryRun, Event (202, then the function's log), throttling as a typed
// TooManyRequestsException, the request size limit, and a Node.js function
// whose own @aws-sdk/client-sts call reaches Kumo through AWS_ENDPOINT_URL.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  LambdaClient,
  CreateFunctionCommand,
  InvokeCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  DeleteFunctionConcurrencyCommand,
  TooManyRequestsException,
} from "@aws-sdk/client-lambda";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { startKumo } from "./harness.mjs";

const ROLE = "arn:aws:iam::000000000000:role/lambda-role";

// A zip of { name: text } made by the zip command (a setup dependency).
function zipOf(files) {
  const dir = mkdtempSync(join(tmpdir(), "kumo-js-zip-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, "src", name)), { recursive: true });
      writeFileSync(join(dir, "src", name), text);
    }
    execFileSync("zip", ["-qrX", join(dir, "code.zip"), "."], { cwd: join(dir, "src") });
    return readFileSync(join(dir, "code.zip"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PROBE = zipOf({
  "index.js": `
const { randomUUID } = require("node:crypto");
const ENVIRONMENT = randomUUID();
let calls = 0;
exports.handler = async (event, context) => {
  calls += 1;
  if (event.log) console.log(event.log);
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  if (event.fail) throw new TypeError(event.fail);
  return { event, environment: ENVIRONMENT, calls, requestId: context.awsRequestId,
           version: context.functionVersion };
};
`,
});

const decode = (bytes) => Buffer.from(bytes).toString();
const encode = (value) => Buffer.from(JSON.stringify(value));

let kumo;
let lambda;
let logs;
before(async () => {
  kumo = await startKumo();
  lambda = new LambdaClient(kumo.clientConfig);
  logs = new CloudWatchLogsClient(kumo.clientConfig);
});
after(async () => {
  lambda.destroy();
  logs.destroy();
  await kumo.stop();
});

function createFunction(name, extra = {}) {
  return lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler",
    Code: { ZipFile: PROBE }, ...extra,
  }));
}

function invoke(name, event, extra = {}) {
  return lambda.send(new InvokeCommand({ FunctionName: name, Payload: encode(event), ...extra }));
}

// Polls the function's log (bounded) until a line contains `text`.
async function waitForLog(name, text, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const got = await logs.send(new FilterLogEventsCommand({
        logGroupName: `/aws/lambda/${name}`, filterPattern: `"${text}"`,
      }));
      if (got.events.length > 0) return got.events.map((e) => e.message);
    } catch (err) {
      if (err.name !== "ResourceNotFoundException") throw err;
    }
    if (Date.now() > deadline) throw new Error(`no log line with ${text} in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("RequestResponse: payload, executed version, log tail, warm reuse", async () => {
  await createFunction("js-run");
  const cold = await invoke("js-run", { hello: "js" }, { LogType: "Tail" });
  assert.equal(cold.StatusCode, 200);
  assert.equal(cold.ExecutedVersion, "$LATEST");
  assert.equal(cold.FunctionError, undefined);
  const body = JSON.parse(decode(cold.Payload));
  assert.deepEqual(body.event, { hello: "js" });
  assert.equal(body.requestId, cold.$metadata.requestId);
  const tail = Buffer.from(cold.LogResult, "base64").toString();
  assert.match(tail, new RegExp(`^START RequestId: ${body.requestId} Version: \\$LATEST\n`));
  assert.match(tail, /\nREPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\t\n$/);

  const warm = await invoke("js-run", {}, { LogType: "Tail" });
  const again = JSON.parse(decode(warm.Payload));
  assert.equal(again.environment, body.environment);
  assert.equal(again.calls, 2);
  assert.doesNotMatch(Buffer.from(warm.LogResult, "base64").toString(), /Init Duration/);

  await lambda.send(new PublishVersionCommand({ FunctionName: "js-run" }));
  const v1 = await invoke("js-run", {}, { Qualifier: "1" });
  assert.equal(v1.ExecutedVersion, "1");
  assert.equal(JSON.parse(decode(v1.Payload)).version, "1");
});

test("a function error is 200 with FunctionError Unhandled and Node's error shape", async () => {
  await createFunction("js-fail");
  const r = await invoke("js-fail", { fail: "wrong type" });
  assert.equal(r.StatusCode, 200);
  assert.equal(r.FunctionError, "Unhandled");
  const error = JSON.parse(decode(r.Payload));
  assert.deepEqual(Object.keys(error), ["errorType", "errorMessage", "trace"]);
  assert.equal(error.errorType, "TypeError");
  assert.equal(error.errorMessage, "wrong type");
  assert.equal(error.trace[0], "TypeError: wrong type");
});

test("DryRun is 204 and Event is 202, after which the function runs", async () => {
  await createFunction("js-async");
  const dry = await invoke("js-async", {}, { InvocationType: "DryRun" });
  assert.equal(dry.StatusCode, 204);
  const marker = `event-${Date.now()}-${Math.random().toString(16).slice(2)}`;
  const queued = await invoke("js-async", { log: marker }, { InvocationType: "Event" });
  assert.equal(queued.StatusCode, 202);
  assert.equal(queued.$metadata.httpStatusCode, 202);
  assert.equal(queued.FunctionError, undefined);
  const lines = await waitForLog("js-async", marker);
  assert.equal(lines.length, 1);
  assert.match(lines[0], new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t[0-9a-f-]{36}\\tINFO\\t${marker}\\n$`));
});

test("throttling is a typed TooManyRequestsException with its Reason", async () => {
  await createFunction("js-throttled");
  await lambda.send(new PutFunctionConcurrencyCommand({
    FunctionName: "js-throttled", ReservedConcurrentExecutions: 0,
  }));
  await assert.rejects(invoke("js-throttled", {}), (err) => {
    assert.ok(err instanceof TooManyRequestsException, err.name);
    assert.equal(err.$metadata.httpStatusCode, 429);
    assert.equal(err.message, "Rate Exceeded.");
    assert.equal(err.Reason, "ReservedFunctionConcurrentInvocationLimitExceeded");
    return true;
  });
  await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: "js-throttled" }));
  assert.equal((await invoke("js-throttled", {})).StatusCode, 200);
});

test("a request over 6 MB is 413 RequestTooLargeException", async () => {
  await createFunction("js-big");
  await assert.rejects(invoke("js-big", { x: "a".repeat(6 * 1024 * 1024) }), (err) => {
    assert.equal(err.name, "RequestTooLargeException");
    assert.equal(err.$metadata.httpStatusCode, 413);
    return true;
  });
});

test("a Node.js function's @aws-sdk/client-sts call reaches Kumo", async () => {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: "js-sdk", Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler",
    Timeout: 30,
    Code: {
      ZipFile: zipOf({
        "index.js": `
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
const sts = new STSClient({});
exports.handler = async () => {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  return { account: identity.Account, arn: identity.Arn, endpoint: process.env.AWS_ENDPOINT_URL };
};
`,
      }),
    },
  }));
  const r = await invoke("js-sdk", {});
  assert.equal(r.FunctionError, undefined, decode(r.Payload));
  const body = JSON.parse(decode(r.Payload));
  assert.equal(body.account, "000000000000");
  assert.match(body.arn, /^arn:aws:/);
  assert.equal(body.endpoint, kumo.endpoint);
});

test("an ES module handler imports the provided SDK (ESM ignores NODE_PATH, as on Lambda)", async () => {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: "js-sdk-esm", Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler",
    Timeout: 30,
    Code: {
      ZipFile: zipOf({
        "index.mjs": `
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
const sts = new STSClient({});
export const handler = async () => {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  return { account: identity.Account };
};
`,
      }),
    },
  }));
  const r = await invoke("js-sdk-esm", {});
  assert.equal(r.FunctionError, undefined, decode(r.Payload));
  assert.equal(JSON.parse(decode(r.Payload)).account, "000000000000");
});
