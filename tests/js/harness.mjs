// Starts a real `kumo server` for a JS test: a free port (read back from the
// ready line), a fresh data directory, and AWS SDK v3 client settings for it.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const KUMO_BIN = process.env.KUMO_BIN ?? new URL("../../build/kumo", import.meta.url).pathname;

export async function startKumo(args = [], { inMemory = true } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "kumo-js-"));
  const argv = ["server", "--port", "0", "--data-dir", dataDir, "--log-level", "warn", ...args];
  if (inMemory) argv.push("--in-memory");
  const proc = spawn(KUMO_BIN, argv, { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`kumo not ready: ${seen}`)), 15000);
    proc.stdout.on("data", (chunk) => {
      seen += chunk;
      const m = /ready on http:\/\/[\d.]+:(\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.on("exit", (code) => reject(new Error(`kumo exited ${code}: ${seen}`)));
  });
  proc.stdout.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    port,
    endpoint,
    dataDir,
    clientConfig: {
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    },
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((resolve) => proc.on("exit", resolve));
        proc.kill("SIGTERM");
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
