// The edge through the AWS SDK for JavaScript v3.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { startKumo } from "./harness.mjs";

let kumo;
before(async () => { kumo = await startKumo(); });
after(async () => { await kumo.stop(); });

test("STS GetCallerIdentity through SDK v3", async () => {
  const sts = new STSClient(kumo.clientConfig);
  const id = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, "000000000000");
  assert.equal(id.Arn, "arn:aws:iam::000000000000:root");
  assert.match(id.$metadata.requestId, /^[0-9a-f-]{36}$/);
});

test("SigV4 errors reach SDK v3 as typed exceptions", async () => {
  const signed = await startKumo(["--auth", "sigv4"]);
  try {
    const sts = new STSClient({ ...signed.clientConfig,
      credentials: { accessKeyId: "test", secretAccessKey: "wrong" } });
    await assert.rejects(sts.send(new GetCallerIdentityCommand({})),
      (err) => err.name === "SignatureDoesNotMatch" && err.$metadata.httpStatusCode === 403);
  } finally {
    await signed.stop();
  }
});
