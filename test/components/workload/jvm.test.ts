import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { heapPercent, jvmStartupSeconds, jvmToolOptions } from "../../../components/workload/jvm";
import { probes } from "../../../components/workload/podTemplate";
import { jvmStartupSeconds as packStartupSeconds } from "../../../policies/lib/jvm";

const Mi = 2 ** 20;

describe("JVM heap sizing", () => {
  for (const [memory, percent] of [
    [256 * Mi, 60],
    [768 * Mi, 60],
    [1024 * Mi, 70],
    [2048 * Mi, 70],
    [4096 * Mi, 75],
    [16384 * Mi, 75],
  ] as const) {
    it(`gives the heap ${percent}% of a ${memory / Mi}Mi limit`, () => assert.equal(heapPercent(memory), percent));
  }

  it("sizes the heap from the container limit and exits on OutOfMemoryError", () => {
    assert.equal(
      jvmToolOptions(2048 * Mi),
      "-XX:MaxRAMPercentage=70.0 -XX:InitialRAMPercentage=35.0 -XX:+ExitOnOutOfMemoryError -XX:+UseContainerSupport",
    );
  });
});

describe("JVM start-up window", () => {
  for (const [millicores, seconds] of [
    [100, 600],
    [250, 240],
    [500, 120],
    [1000, 60],
    [2000, 60],
  ] as const) {
    it(`gives a JVM on ${millicores}m ${seconds} s to start`, () => assert.equal(jvmStartupSeconds(millicores), seconds));
  }

  it("is the policy pack's arithmetic too, for every CPU request", () => {
    for (let m = 10; m <= 4000; m++) assert.equal(jvmStartupSeconds(m), packStartupSeconds(m / 1000), `${m}m`);
    fc.assert(fc.property(fc.integer({ min: 10, max: 64000 }), (m) => jvmStartupSeconds(m) === packStartupSeconds(m / 1000)));
  });

  it("gives every JVM a startup probe that covers it, with or without a declared warm-up", () => {
    const checks = {
      readiness: { type: "http", path: "/ready", port: "http" },
      liveness: { type: "http", path: "/healthz", port: "http" },
      startup: { type: "http", path: "/healthz", port: "http" },
    } as const;
    const ports = [{ name: "http", port: 8080 }];
    const jvm = (cpu: string, warmupSeconds: number) =>
      probes({ probes: checks, ports, warmupSeconds, runtime: "jvm", resources: { cpu, memory: "1Gi" } }).startupProbe;
    assert.deepEqual(jvm("250m", 0), {
      httpGet: { path: "/healthz", port: "http" },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 48,
    });
    assert.equal(jvm("2", 0)!.failureThreshold, 12);
    // A declared warm-up longer than the start-up: twice the warm-up wins.
    assert.equal(jvm("2", 90)!.failureThreshold, 36);
    const generic = probes({
      probes: checks,
      ports,
      warmupSeconds: 0,
      runtime: "generic",
      resources: { cpu: "250m", memory: "1Gi" },
    });
    assert.equal(generic.startupProbe, undefined);
  });
});
