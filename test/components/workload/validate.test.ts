import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { MicroserviceArgs } from "../../../components/workload/args";
import { formatProblemPath, microserviceProblems, validateMicroserviceArgs } from "../../../components/workload/validate";

const BASE: MicroserviceArgs = {
  namespace: "apps",
  image: "registry.example.com/acme/orders:1.4.2",
  version: "1.4.2",
  resources: { cpu: "250m", memory: "512Mi" },
};
const GATEWAY = { router: "gateway-api", gatewayName: "platform", gatewayNamespace: "gateway-system", listeners: ["https"] } as const;
const ROUTE = { host: "api.example.com", path: "/orders", attachment: GATEWAY };

/** Every problem of the args, as "<path>: <sentence>". */
const problems = (args: Partial<MicroserviceArgs>, name = "orders") =>
  microserviceProblems(name, { ...BASE, ...args }).map((p) => `${formatProblemPath(p.path)}: ${p.message}`);

describe("Microservice: refused args", () => {
  it("accepts the defaults", () => assert.deepEqual(problems({}), []));

  it("refuses unpinned images and bad names", () => {
    assert.deepEqual(problems({ image: "registry.example.com/acme/orders" }), [
      "image: 'registry.example.com/acme/orders' has no tag: pin a version such as 'registry.example.com/acme/orders:1.4.2' or a digest",
    ]);
    assert.deepEqual(problems({ image: "nginx:latest", version: "latest" }), [
      "version: 'latest' is not a version tag such as '1.4.2' or a digest 'sha256:<64 hex digits>' (and not 'latest')",
      "image: 'nginx:latest' uses 'latest': pin a version so every release can be rolled back to",
    ]);
    assert.deepEqual(problems({}, "Orders_1"), [
      "name: 'Orders_1' is not a name of 1-40 characters of a-z, 0-9 and '-' starting with a letter",
    ]);
  });

  it("refuses quantities below the minimums and probes that coincide", () => {
    assert.deepEqual(
      problems({
        runtime: "jvm",
        resources: { cpu: "5m", memory: "128Mi" },
        health: { readinessPath: "/health", livenessPath: "/health" },
      }),
      [
        "resources.memory: '128Mi' is below the 256Mi minimum for a JVM (heap plus metaspace and threads); use at least '256Mi'",
        "resources.cpu: '5m' is below the 10m minimum",
        "health.livenessPath: '/health' is also the readiness check; a liveness probe that fails with readiness restarts pods that are only busy",
      ],
    );
    assert.deepEqual(problems({ resources: { cpu: "250m", memory: "1GB" } }), [
      "resources.memory: '1GB' is not a Kubernetes quantity; use '1Gi' or '1024Mi'",
    ]);
    assert.deepEqual(problems({ shutdown: { drainSeconds: 30, graceSeconds: 30 } }), [
      "shutdown.graceSeconds: 30 leaves no time after the 30s drain; make it larger than drainSeconds",
    ]);
    assert.deepEqual(problems({ env: { "1X": "a", DB: "x" }, secretEnv: { DB: "y" } }), [
      "env.1X: is not a variable name (letters, digits and '_', not starting with a digit)",
      "env.DB: is in secretEnv too; keep it in one of them",
    ]);
  });

  it("refuses gray-release settings that cannot be routed", () => {
    assert.deepEqual(problems({ canary: { version: "1.5.0", weight: 20 } }), [
      "canary.weight: needs a route or a port exposed through the gateway: weights are applied at the gateway",
    ]);
    assert.deepEqual(
      problems({ route: ROUTE, canary: { version: "1.5.0", weight: 60 }, legacy: { endpoints: ["10.0.0.1:80"], weight: 50 } }),
      ["legacy.weight: 50 plus the canary weight 60 is more than 100"],
    );
    assert.deepEqual(
      problems({
        route: { ...ROUTE, attachment: { router: "alb", ingressClassName: "alb" } },
        canary: { version: "1.5.0", weight: 10 },
        legacy: { endpoints: ["10.0.0.1:80"], weight: 10 },
      }),
      [
        "route: 'orders' has both a canary and legacy backends; the ALB router carries one weighted canary per host and path, so finish the legacy migration first or use the gateway-api router",
      ],
    );
    assert.deepEqual(problems({ image: pulumi.output("built@sha256:abc"), canary: { version: "1.5.0" } }), [
      "canary.image: is required when the stable image is computed (built from source): give the canary's image reference",
    ]);
  });

  it("refuses testers' routes and health checks that cannot work", () => {
    assert.deepEqual(
      problems({
        route: ROUTE,
        canary: { version: "1.5.0", header: { name: "x canary", value: "", clientCidrs: [] } },
        legacy: {
          endpoints: ["10.0.0.1:80"],
          weight: 10,
          healthCheck: { protocol: "tcp", path: "/ready", intervalSeconds: 0, healthyThreshold: 1 },
        },
      }),
      [
        "canary.header.name: 'x canary' is not an HTTP header name such as 'x-canary'",
        "canary.header.value: is empty",
        "canary.header.clientCidrs: is empty; leave it out to admit every client",
        "legacy.healthCheck.path: is set, but a 'tcp' check has no path",
        "legacy.healthCheck.intervalSeconds: 0 is not between 1 and 50",
        "legacy.healthCheck.healthyThreshold: 1 is not between 2 and 10",
      ],
    );
    assert.deepEqual(problems({ route: ROUTE, canary: { version: "1.4.2", weight: 10 } }), [
      "canary.version: '1.4.2' is the stable version too, with weight 10; give the new version, or (handing a promotion over) weight 0",
    ]);
    assert.deepEqual(problems({ route: ROUTE, canary: { version: "1.4.2", weight: 0 } }), [], "a handover");
  });

  it("throws every problem at once, each with its path", () => {
    assert.throws(
      () => validateMicroserviceArgs("orders", { ...BASE, replicas: { min: 5, max: 2 }, health: { warmupSeconds: 900 } }),
      (err: Error & { problems: string[] }) =>
        err.message.startsWith("Microservice 'orders' has invalid args:\n  replicas.max: 2 is not between replicas.min (5) and 1000") &&
        err.problems.length === 2,
    );
  });
});
