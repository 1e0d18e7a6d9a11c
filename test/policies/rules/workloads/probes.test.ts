import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containerProbes, jvmStartupProbe, probesDiffer, warmupDeclared } from "../../../../policies/rules";
import { ANNOTATIONS } from "../../../../components/workload/podTemplate";
import { RUNTIME_ANNOTATION, UNPROBED_ANNOTATION, WARMUP_ANNOTATION } from "../../../../policies/lib/kubernetes";
import { check, cronJob, deployment } from "../../helpers";

/** The first container of a workload's pod template. */
const web = (d: any) => d.spec.template.spec.containers[0];

describe("container-probes", () => {
  it("passes containers with readiness and liveness probes; Jobs need none", () => {
    const job = cronJob((c) => {
      const spec = c.spec.jobTemplate.spec.template.spec;
      delete spec.containers[0].readinessProbe;
      delete spec.containers[0].livenessProbe;
    });
    assert.deepEqual(check(containerProbes, [deployment(), job]), []);
  });
  it("names a container without a readiness probe", () => {
    assert.deepEqual(
      check(
        containerProbes,
        deployment((d) => delete web(d).readinessProbe),
      ),
      ["container 'web' has no readiness probe; add readinessProbe (e.g. httpGet on '/ready'), so it takes traffic only when it can serve"],
    );
  });
  it("passes a worker (no port) without a readiness probe, and without a liveness probe when it says why", () => {
    const worker = (annotations: Record<string, string>) =>
      deployment((d) => {
        d.metadata.annotations = annotations;
        delete web(d).ports;
        delete web(d).readinessProbe;
        delete web(d).livenessProbe;
      });
    assert.deepEqual(check(containerProbes, worker({ "ack-platform/unprobed": "exits when its broker connection drops" })), []);
    assert.deepEqual(check(containerProbes, worker({})), [
      "container 'web' has no liveness probe; add livenessProbe (e.g. exec of a health command), so a hung worker is restarted, or record why it needs none in the annotation ack-platform/unprobed",
    ]);
    assert.deepEqual(check(containerProbes, worker({ "ack-platform/unprobed": " " })).length, 1, "a blank reason is none");
  });
  it("names a container without a liveness probe", () => {
    assert.deepEqual(
      check(
        containerProbes,
        deployment((d) => delete web(d).livenessProbe),
      ),
      ["container 'web' has no liveness probe; add livenessProbe (e.g. httpGet on '/healthz'), so a hung process is restarted"],
    );
  });
});

describe("probes-differ", () => {
  it("passes probes that check different things, even on the same port", () => {
    assert.deepEqual(check(probesDiffer, deployment()), []);
  });
  it("names a container whose probes make the same HTTP check", () => {
    assert.deepEqual(
      check(
        probesDiffer,
        deployment((d) => (web(d).readinessProbe = { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 5 })),
      ),
      [
        "container 'web' uses the same check for readiness and liveness (httpGet '/healthz' on port http); let liveness check the process alone (e.g. '/healthz') and readiness its ability to serve (e.g. '/ready')",
      ],
    );
  });
  it("names a container whose probes make the same gRPC check, and passes gRPC readiness beside TCP liveness", () => {
    const grpc = { grpc: { port: 9090 } };
    assert.deepEqual(
      check(
        probesDiffer,
        deployment((d) => Object.assign(web(d), { readinessProbe: grpc, livenessProbe: grpc })),
      ),
      [
        "container 'web' uses the same check for readiness and liveness (grpc on port 9090); let liveness check the process alone (e.g. '/healthz') and readiness its ability to serve (e.g. '/ready')",
      ],
    );
    assert.deepEqual(
      check(
        probesDiffer,
        deployment((d) => Object.assign(web(d), { readinessProbe: grpc, livenessProbe: { tcpSocket: { port: "rpc" } } })),
      ),
      [],
    );
  });
  it("names a container whose probes run the same command", () => {
    const exec = { exec: { command: ["pg_isready", "-q"] } };
    assert.deepEqual(
      check(
        probesDiffer,
        deployment((d) => Object.assign(web(d), { readinessProbe: exec, livenessProbe: exec })),
      ),
      [
        "container 'web' uses the same check for readiness and liveness (exec 'pg_isready -q'); let liveness check the process alone (e.g. '/healthz') and readiness its ability to serve (e.g. '/ready')",
      ],
    );
  });
});

describe("warmup-declared", () => {
  const warm = (seconds: string, change?: (d: any) => void) =>
    deployment((d) => {
      d.metadata.annotations = { "ack-platform/warmup-seconds": seconds };
      change?.(d);
    });
  it("passes a warm-up covered by a startup probe or by minReadySeconds, and a warm-up of 0", () => {
    const probe = { httpGet: { path: "/ready", port: "http" }, failureThreshold: 30, periodSeconds: 1 };
    assert.deepEqual(
      check(warmupDeclared, [
        warm("30", (d) => (web(d).startupProbe = probe)),
        warm("30", (d) => (d.spec.minReadySeconds = 30)),
        warm("0"),
        deployment(),
      ]),
      [],
    );
  });
  it("names a warm-up with neither a startup probe nor minReadySeconds", () => {
    assert.deepEqual(check(warmupDeclared, warm("30")), [
      "it declares a warm-up of 30 s (ack-platform/warmup-seconds) but has neither a startup probe nor spec.minReadySeconds; add a startupProbe to container 'web' or set spec.minReadySeconds: 30",
    ]);
  });
  it("names a minReadySeconds shorter than the warm-up", () => {
    assert.deepEqual(
      check(
        warmupDeclared,
        warm("30", (d) => (d.spec.minReadySeconds = 10)),
      ),
      [
        "it declares a warm-up of 30 s (ack-platform/warmup-seconds) but spec.minReadySeconds is 10; add a startupProbe to container 'web' or set spec.minReadySeconds: 30",
      ],
    );
  });
  it("names a warm-up that is not a number of seconds", () => {
    assert.deepEqual(check(warmupDeclared, warm("30s")), [
      "annotation ack-platform/warmup-seconds is '30s'; write a whole number of seconds such as '30'",
    ]);
  });
});

describe("jvm-startup-probe", () => {
  const jvm = (cpu: string, change?: (d: any) => void) =>
    deployment((d) => {
      d.metadata.annotations = { "ack-platform/runtime": "jvm" };
      web(d).resources.requests.cpu = cpu;
      web(d).startupProbe = { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 5, failureThreshold: 48 };
      change?.(d);
    });
  it("passes a JVM whose startup probe covers its start at its CPU request, and services that are not JVMs", () => {
    // 250m: 60 CPU-seconds over a quarter of a core is 240 s, which 48 × 5 s covers.
    assert.deepEqual(check(jvmStartupProbe, [jvm("250m"), jvm("2", (d) => (web(d).startupProbe.failureThreshold = 12)), deployment()]), []);
  });
  it("passes a JVM worker with no liveness probe: nothing restarts its slow start", () => {
    const worker = jvm("250m", (d) => {
      delete web(d).startupProbe;
      delete web(d).livenessProbe;
    });
    assert.deepEqual(check(jvmStartupProbe, worker), []);
  });
  it("names a JVM without a startup probe", () => {
    assert.deepEqual(
      check(
        jvmStartupProbe,
        jvm("500m", (d) => delete web(d).startupProbe),
      ),
      [
        "container 'web' runs a JVM on a CPU request of '500m', which needs about 120 s to start, but has no startup probe; add one on the liveness path whose failureThreshold × periodSeconds is at least 120",
      ],
    );
  });
  it("names a startup probe shorter than the start at that CPU request", () => {
    assert.deepEqual(
      check(
        jvmStartupProbe,
        jvm("250m", (d) => (web(d).startupProbe.failureThreshold = 18)),
      ),
      [
        "container 'web''s startup probe allows 90 s, but a JVM on a CPU request of '250m' needs about 240 s to start; raise its failureThreshold to 48",
      ],
    );
  });
});

describe("the annotations the workload layer writes", () => {
  it("are the ones the pack reads", () => {
    assert.deepEqual(
      [ANNOTATIONS.runtime, ANNOTATIONS.warmupSeconds, ANNOTATIONS.unprobed],
      [RUNTIME_ANNOTATION, WARMUP_ANNOTATION, UNPROBED_ANNOTATION],
    );
  });
});
