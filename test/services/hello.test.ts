/**
 * The sample service built from source: it answers the probes and metrics the platform expects,
 * and drains gracefully on SIGTERM.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { REPO } from "../planRunner";

const DIR = path.join(REPO, "services/hello");

/** Starts the server on a free port and resolves with the port once it listens. */
function start(env: Record<string, string>): Promise<{ child: ChildProcess; port: number; logs: string[] }> {
  const child = spawn(process.execPath, ["server.js"], {
    cwd: DIR,
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const logs: string[] = [];
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        logs.push(line);
        const entry = JSON.parse(line) as { msg: string; port?: number };
        if (entry.msg === "listening") resolve({ child, port: entry.port!, logs });
      }
    });
    child.on("exit", (code) => reject(new Error(`the server exited with ${code} before listening`)));
  });
}

const get = async (port: number, p: string) => {
  const res = await fetch(`http://127.0.0.1:${port}${p}`);
  return { status: res.status, body: await res.text() };
};

describe("services/hello", () => {
  it("serves /, /healthz, /ready and Prometheus metrics, counting unknown paths as 'other'", async () => {
    const { child, port } = await start({ VERSION: "1.0.0", DRAIN_SECONDS: "0" });
    try {
      assert.deepEqual(JSON.parse((await get(port, "/")).body), { message: "hello", version: "1.0.0" });
      assert.equal((await get(port, "/healthz")).status, 200);
      assert.equal((await get(port, "/ready")).status, 200);
      assert.equal((await get(port, "/no/such/page")).status, 404);
      const metrics = await get(port, "/metrics");
      assert.equal(metrics.status, 200);
      assert.match(metrics.body, /^http_requests_total\{path="\/",method="GET",code="200"\} 1$/m);
      assert.match(metrics.body, /^http_requests_total\{path="other",method="GET",code="404"\} 1$/m);
      // The scrape sees the four requests before it, and itself in flight.
      assert.match(metrics.body, /^http_request_duration_seconds_count 4$/m);
      assert.match(metrics.body, /^http_request_duration_seconds_bucket\{le="\+Inf"\} 4$/m);
      assert.match(metrics.body, /^http_requests_in_flight 1$/m);
      assert.match(metrics.body, /^hello_ready 1$/m);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("is not ready while it warms up", async () => {
    const { child, port } = await start({ WARMUP_SECONDS: "30" });
    try {
      assert.deepEqual(await get(port, "/ready"), { status: 503, body: "warming up\n" });
      assert.equal((await get(port, "/healthz")).status, 200, "liveness does not wait for warm-up");
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("on SIGTERM reports not-ready, keeps serving while endpoints drain, then exits cleanly", async () => {
    const { child, port, logs } = await start({ DRAIN_SECONDS: "1" });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(await get(port, "/ready"), { status: 503, body: "draining\n" });
    assert.equal((await get(port, "/healthz")).status, 200);
    assert.equal(await exited, 0);
    assert.deepEqual(
      logs.map((l) => (JSON.parse(l) as { msg: string }).msg),
      ["listening", "draining", "stopped"],
    );
  });

  it("is built as a non-root user with a numeric id, from a base image that can be mirrored", () => {
    const dockerfile = fs.readFileSync(path.join(DIR, "Dockerfile"), "utf8");
    const user = /^USER (\S+)$/m.exec(dockerfile)?.[1];
    assert.ok(user && /^[1-9]\d*(:\d+)?$/.test(user), `USER ${user} is numeric and not root, so runAsNonRoot can be verified`);
    assert.match(dockerfile, /^ARG NODE_IMAGE=/m);
    assert.match(dockerfile, /^FROM \$\{NODE_IMAGE\}$/m);
    const ignored = fs.readFileSync(path.join(DIR, ".dockerignore"), "utf8").split("\n");
    assert.deepEqual(ignored.filter((l) => l.startsWith("!")).sort(), ["!package.json", "!server.js"]);
  });
});
