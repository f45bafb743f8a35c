// The notes example (examples/http-api-tables) end to end: its deploy.sh
// (AWS CLI) deploys the table, the function and an HTTP API with explicit
// routes to a real Kumo, then plain HTTP requests on the API's own host
// drive it: statuses, bodies, and the items really in the table. The same
// function behind a quick-created API ($default route) routes by path.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { request as httpRequest } from "node:http";
import { promisify } from "node:util";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { ApiGatewayV2Client, CreateApiCommand } from "@aws-sdk/client-apigatewayv2";
import { startKumo } from "./harness.mjs";

const DEPLOY = new URL("../../examples/http-api-tables/deploy.sh", import.meta.url).pathname;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let kumo;
let apiId;
let apiUrl;

before(async () => {
  kumo = await startKumo();
  const { stdout } = await promisify(execFile)(DEPLOY, [kumo.endpoint], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test",
           AWS_DEFAULT_REGION: "us-east-1" },
    timeout: 120000,
  });
  [apiId, apiUrl] = stdout.trim().split("\n");
});
after(async () => {
  await kumo?.stop();
});

// One plain HTTP request to 127.0.0.1 with the API's Host header (names
// under .localhost need not resolve here); `body` is sent as JSON unless a
// string. Returns { status, headers, text, json }.
function call(method, path, { body, api = apiId } = {}) {
  const data = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: "127.0.0.1", port: kumo.port, method, path,
      headers: {
        host: `${api}.execute-api.localhost:${kumo.port}`,
        ...(data === undefined ? {} : { "content-type": "application/json" }),
      },
      timeout: 30000,
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        let json;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(data);
  });
}

test("deploy.sh prints the API id and its endpoint", () => {
  assert.match(apiId, /^[a-z0-9]{10}$/);
  assert.equal(apiUrl, `http://${apiId}.execute-api.localhost:${kumo.port}`);
});

test("POST /notes creates a note, GET /notes/{id} reads it back from the table", async () => {
  const created = await call("POST", "/notes", { body: { text: "buy milk" } });
  assert.equal(created.status, 201, created.text);
  assert.match(created.headers["content-type"], /^application\/json/);
  assert.match(created.json.id, UUID);
  assert.equal(created.json.text, "buy milk");
  assert.ok(!Number.isNaN(Date.parse(created.json.createdAt)), created.text);

  const read = await call("GET", `/notes/${created.json.id}`);
  assert.equal(read.status, 200, read.text);
  assert.deepEqual(read.json, created.json);

  const db = new DynamoDBClient(kumo.clientConfig);
  try {
    const { Item } = await db.send(new GetItemCommand({ TableName: "notes", Key: { id: { S: created.json.id } } }));
    assert.deepEqual(Item, { id: { S: created.json.id }, text: { S: "buy milk" },
                             createdAt: { S: created.json.createdAt } });
  } finally {
    db.destroy();
  }
});

test("GET /notes/{id} of a missing note is 404 JSON", async () => {
  const missing = await call("GET", "/notes/no-such-note");
  assert.equal(missing.status, 404);
  assert.match(missing.headers["content-type"], /^application\/json/);
  assert.deepEqual(missing.json, { message: "Note not found" });
});

test("POST /notes without a text is 400 and stores nothing", async () => {
  const before = (await call("GET", "/notes")).json.notes.length;
  for (const body of ["not json", { text: "" }, { title: "x" }]) {
    const bad = await call("POST", "/notes", { body });
    assert.equal(bad.status, 400, `${JSON.stringify(body)}: ${bad.text}`);
    assert.deepEqual(bad.json, { message: 'Send a JSON object with a non-empty "text"' });
  }
  assert.equal((await call("GET", "/notes")).json.notes.length, before);
});

test("GET /notes lists every note, oldest first", async () => {
  const texts = ["first", "second", "third"];
  const ids = [];
  for (const text of texts) ids.push((await call("POST", "/notes", { body: { text } })).json.id);
  const list = await call("GET", "/notes");
  assert.equal(list.status, 200, list.text);
  const listed = list.json.notes.filter((n) => ids.includes(n.id));
  assert.deepEqual(listed.map((n) => n.text), texts);
  const times = list.json.notes.map((n) => n.createdAt);
  assert.deepEqual(times, [...times].sort());
});

test("DELETE /notes/{id} removes the note; a second DELETE is 404", async () => {
  const { id } = (await call("POST", "/notes", { body: { text: "short-lived" } })).json;
  const deleted = await call("DELETE", `/notes/${id}`);
  assert.equal(deleted.status, 204);
  assert.equal(deleted.text, "");
  assert.equal((await call("GET", `/notes/${id}`)).status, 404);
  const again = await call("DELETE", `/notes/${id}`);
  assert.equal(again.status, 404);
  assert.deepEqual(again.json, { message: "Note not found" });
  assert.ok(!(await call("GET", "/notes")).json.notes.some((n) => n.id === id));
});

test("a path with no route is API Gateway's own 404", async () => {
  const other = await call("GET", "/elsewhere");
  assert.equal(other.status, 404);
  assert.deepEqual(other.json, { message: "Not Found" });
  assert.equal((await call("PUT", "/notes")).status, 404);
});

test("behind a quick-created API ($default route) the function routes by path", async () => {
  const client = new ApiGatewayV2Client(kumo.clientConfig);
  let quick;
  try {
    quick = await client.send(new CreateApiCommand({
      Name: "notes-quick", ProtocolType: "HTTP",
      Target: "arn:aws:lambda:us-east-1:000000000000:function:notes",
    }));
  } finally {
    client.destroy();
  }
  const api = quick.ApiId;
  const created = await call("POST", "/notes", { api, body: { text: "via $default" } });
  assert.equal(created.status, 201, created.text);
  const read = await call("GET", `/notes/${created.json.id}`, { api });
  assert.deepEqual(read.json, created.json);
  assert.equal((await call("GET", "/notes/nothing-here", { api })).status, 404);
  // Both APIs front the same table.
  assert.equal((await call("GET", `/notes/${created.json.id}`)).status, 200);
  const other = await call("GET", "/elsewhere", { api });
  assert.equal(other.status, 404);
  assert.deepEqual(other.json, { message: "Not Found" });
});
