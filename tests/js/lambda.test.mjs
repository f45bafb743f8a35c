// The Lambda control plane through the AWS SDK for JavaScript v3: create, get,
// list, update, publish, aliases, layers, delete, and typed errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { crc32, deflateRawSync } from "node:zlib";
import {
  LambdaClient,
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListFunctionsCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  PublishVersionCommand,
  ListVersionsByFunctionCommand,
  CreateAliasCommand,
  GetAliasCommand,
  PublishLayerVersionCommand,
  GetLayerVersionByArnCommand,
  ListLayerVersionsCommand,
  DeleteLayerVersionCommand,
  DeleteFunctionCommand,
  InvokeCommand,
  ResourceNotFoundException,
  ResourceConflictException,
  paginateListFunctions,
} from "@aws-sdk/client-lambda";
import { startKumo } from "./harness.mjs";

const ROLE = "arn:aws:iam::000000000000:role/lambda-role";
const ARN_PREFIX = "arn:aws:lambda:us-east-1:000000000000";

// A zip of { name: text } (deflated, world-readable unix modes).
function makeZip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(((0o100644 << 16) >>> 0), 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const sha256b64 = (bytes) => createHash("sha256").update(bytes).digest("base64");
const CODE = makeZip({ "index.js": "exports.handler = async () => ({ ok: true });\n" });

let kumo;
let lambda;
before(async () => {
  kumo = await startKumo();
  lambda = new LambdaClient(kumo.clientConfig);
});
after(async () => {
  lambda.destroy();
  await kumo.stop();
});

function createFunction(name, extra = {}) {
  return lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler",
    Code: { ZipFile: CODE }, ...extra,
  }));
}

test("create, get and download the code", async () => {
  const created = await createFunction("js-fn", {
    MemorySize: 256, Timeout: 15, Environment: { Variables: { STAGE: "js" } },
  });
  assert.equal(created.$metadata.httpStatusCode, 201);
  assert.equal(created.FunctionArn, `${ARN_PREFIX}:function:js-fn`);
  assert.equal(created.State, "Pending");
  assert.equal(created.CodeSha256, sha256b64(CODE));
  assert.equal(created.CodeSize, CODE.length);

  const got = await lambda.send(new GetFunctionCommand({ FunctionName: "js-fn" }));
  assert.equal(got.Configuration.State, "Active");
  assert.equal(got.Configuration.MemorySize, 256);
  assert.deepEqual(got.Configuration.Environment, { Variables: { STAGE: "js" } });
  const download = await fetch(got.Code.Location);
  assert.equal(download.status, 200);
  assert.deepEqual(Buffer.from(await download.arrayBuffer()), CODE);
});

test("list with the paginator", async () => {
  for (const i of [1, 2, 3]) await createFunction(`js-list-${i}`);
  const names = [];
  for await (const page of paginateListFunctions({ client: lambda, pageSize: 2 }, {})) {
    assert.ok(page.Functions.length <= 2);
    names.push(...page.Functions.map((f) => f.FunctionName));
  }
  for (const i of [1, 2, 3]) assert.ok(names.includes(`js-list-${i}`));
  assert.deepEqual([...names].sort(), names, "functions are listed in name order");
  const first = await lambda.send(new ListFunctionsCommand({ MaxItems: 1 }));
  assert.equal(first.Functions.length, 1);
  assert.ok(first.NextMarker);
});

test("update code and configuration, publish, alias", async () => {
  const created = await createFunction("js-upd");
  const code = makeZip({ "index.js": "exports.handler = async () => 2;\n" });
  const updated = await lambda.send(new UpdateFunctionCodeCommand({
    FunctionName: "js-upd", ZipFile: code, RevisionId: created.RevisionId,
  }));
  assert.equal(updated.CodeSha256, sha256b64(code));
  assert.equal(updated.LastUpdateStatus, "InProgress");
  const config = await lambda.send(new UpdateFunctionConfigurationCommand({
    FunctionName: "js-upd", Timeout: 42,
  }));
  assert.equal(config.Timeout, 42);
  const steady = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "js-upd" }));
  assert.equal(steady.LastUpdateStatus, "Successful");

  const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: "js-upd" }));
  assert.equal(v1.Version, "1");
  const same = await lambda.send(new PublishVersionCommand({ FunctionName: "js-upd" }));
  assert.equal(same.Version, "1", "nothing changed, nothing published");
  const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: "js-upd" }));
  assert.deepEqual(versions.Versions.map((v) => v.Version), ["$LATEST", "1"]);

  const alias = await lambda.send(new CreateAliasCommand({
    FunctionName: "js-upd", Name: "live", FunctionVersion: "1",
  }));
  assert.equal(alias.AliasArn, `${ARN_PREFIX}:function:js-upd:live`);
  const gotAlias = await lambda.send(new GetAliasCommand({ FunctionName: "js-upd", Name: "live" }));
  assert.equal(gotAlias.FunctionVersion, "1");
  const through = await lambda.send(new GetFunctionConfigurationCommand({
    FunctionName: "js-upd", Qualifier: "live",
  }));
  assert.equal(through.Timeout, 42);

  await assert.rejects(
    lambda.send(new UpdateFunctionConfigurationCommand({
      FunctionName: "js-upd", Timeout: 5, RevisionId: created.RevisionId,
    })),
    (err) => err.name === "PreconditionFailedException" && err.$metadata.httpStatusCode === 412);
});

test("layers: publish, get by ARN, list, delete", async () => {
  const zip = makeZip({ "nodejs/node_modules/util-js/index.js": "module.exports = 1;\n" });
  const layer = await lambda.send(new PublishLayerVersionCommand({
    LayerName: "js-layer", Content: { ZipFile: zip }, CompatibleRuntimes: ["nodejs20.x"],
  }));
  assert.equal(layer.LayerVersionArn, `${ARN_PREFIX}:layer:js-layer:1`);
  assert.equal(layer.Content.CodeSha256, sha256b64(zip));
  const byArn = await lambda.send(new GetLayerVersionByArnCommand({ Arn: layer.LayerVersionArn }));
  assert.equal(byArn.Version, 1);
  const made = await createFunction("js-layered", { Layers: [layer.LayerVersionArn] });
  assert.deepEqual(made.Layers, [{ Arn: layer.LayerVersionArn, CodeSize: zip.length }]);
  const listed = await lambda.send(new ListLayerVersionsCommand({ LayerName: "js-layer" }));
  assert.deepEqual(listed.LayerVersions.map((v) => v.Version), [1]);
  await lambda.send(new DeleteLayerVersionCommand({ LayerName: "js-layer", VersionNumber: 1 }));
  await assert.rejects(
    lambda.send(new GetLayerVersionByArnCommand({ Arn: layer.LayerVersionArn })),
    (err) => err instanceof ResourceNotFoundException);
});

test("delete, and errors arrive as typed exceptions", async () => {
  await createFunction("js-del");
  await assert.rejects(createFunction("js-del"), (err) => {
    assert.ok(err instanceof ResourceConflictException);
    assert.equal(err.$metadata.httpStatusCode, 409);
    assert.equal(err.message, "Function already exist: js-del");
    return true;
  });
  const deleted = await lambda.send(new DeleteFunctionCommand({ FunctionName: "js-del" }));
  assert.equal(deleted.$metadata.httpStatusCode, 204);
  await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: "js-del" })), (err) => {
    assert.ok(err instanceof ResourceNotFoundException);
    assert.equal(err.$metadata.httpStatusCode, 404);
    assert.equal(err.message, `Function not found: ${ARN_PREFIX}:function:js-del`);
    return true;
  });
  await assert.rejects(
    createFunction("js-bad-memory", { MemorySize: 20000 }),
    (err) => err.name === "ValidationException" && err.$metadata.httpStatusCode === 400);
});

test("Invoke DryRun answers 204", async () => {
  await createFunction("js-dry");
  const r = await lambda.send(new InvokeCommand({ FunctionName: "js-dry", InvocationType: "DryRun" }));
  assert.equal(r.StatusCode, 204);
});
