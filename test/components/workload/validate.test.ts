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
        "route: alb router: 'orders' has both a canary and legacy backends; the ALB router carries one weighted canary per host and path, so finish the legacy migration first or use the gateway-api router",
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

describe("Microservice: refused forms", () => {
  const PUSH = { name: "push", port: 9000, protocol: "tcp" } as const;
  const ADMIN = { name: "admin", port: 8081 } as const;

  it("refuses ports that collide, and a port given both ways", () => {
    assert.deepEqual(
      problems({
        port: 8080,
        ports: [
          { name: "Push_Port", port: 9000, protocol: "tcp" },
          { name: "admin", port: 9000, protocol: "udp" as "tcp" },
          { name: "admin", port: 70000 },
        ],
      }),
      [
        "port: is given with ports too; port is the shortcut for ports: [{ name: http, port: 8080 }], so list it in ports",
        "ports[0].name: 'Push_Port' is not a port name: 1-15 of a-z, 0-9 and '-', with a letter",
        "ports[1].port: 9000 is also ports[0]'s port",
        "ports[1].protocol: 'udp' is not one of: http, grpc, tcp",
        "ports[2].name: 'admin' is also ports[1]'s name",
        "ports[2].port: 70000 is not between 1 and 65535",
      ],
    );
    assert.deepEqual(problems({ ports: [] }), ["ports: is empty; a web service needs a port (make it a worker to run without one)"]);
  });

  it("refuses exposure an http port does not need and load balancers that disagree", () => {
    const lb = (addressType: "intranet" | "internet") => ({ via: "load-balancer", addressType }) as const;
    assert.deepEqual(
      problems({
        ports: [
          { ...ADMIN, expose: lb("internet") },
          { ...PUSH, expose: lb("intranet") },
          { name: "feed", port: 9001, protocol: "tcp", expose: { via: "load-balancer", sourceCidrs: ["10.0.0.0/33"] } },
        ],
      }),
      [
        "ports[0].expose: is for tcp and grpc ports: an http port is reached through the route, where TLS, weights and testers' headers apply",
        "ports[2].expose.sourceCidrs[0]: '10.0.0.0/33' is not a CIDR block such as '10.0.0.0/8'",
        "ports: expose ports through one load balancer, so give them one addressType",
      ],
    );
    const gateway = { via: "gateway", gatewayName: "platform", gatewayNamespace: "gateway-system", listener: "tcp-9000" } as const;
    assert.deepEqual(
      problems({ ports: [ADMIN, { ...PUSH, expose: gateway }], route: ROUTE, legacy: { endpoints: ["10.0.0.1:80"], weight: 10 } }),
      ["ports[1].expose: cannot go through the gateway while the service has legacy backends: they are reached over the HTTP route only"],
    );
  });

  it("refuses probes that do not fit the ports, and a tcp service that leaves liveness to chance", () => {
    assert.deepEqual(
      problems({
        ports: [ADMIN, PUSH],
        health: { readinessPath: "/ready", readiness: { type: "grpc", port: "admin" }, liveness: { type: "exec", command: [] } },
      }),
      [
        "health.readiness: is given with readinessPath too; give one of them",
        "health.readiness.port: 'admin' is a http port; a grpc check needs a grpc port",
        "health.liveness.command: must list the command and its arguments, e.g. ['/bin/healthcheck', '--quick']",
      ],
    );
    assert.deepEqual(problems({ ports: [PUSH] }), [
      "health.liveness: is required: the service has no http or grpc port, and a tcp connection is its readiness check; give a check that fails only when the process is stuck (e.g. { type: exec, command: [...] })",
    ]);
    assert.deepEqual(problems({ ports: [PUSH], health: { liveness: { type: "tcp" } } }), [
      "health.liveness: a tcp check of port 'push' is also the readiness check; a liveness probe that fails with readiness restarts pods that are only busy",
    ]);
    assert.deepEqual(problems({ ports: [PUSH], health: { liveness: { type: "exec", command: ["/bin/alive"] } } }), []);
    assert.deepEqual(problems({ ports: [PUSH], health: { liveness: { type: "tcp", port: "nope" } } }), [
      "health.liveness.port: 'nope' is not a port of the service; its ports are 'push' (tcp)",
    ]);
  });

  it("refuses a worker that takes requests, or says neither how it is checked nor why it is not", () => {
    assert.deepEqual(problems({ type: "worker", port: 8080, route: ROUTE }), [
      "port: is not used by a worker: a worker takes no requests (make it a web service to serve some)",
      "health: needs liveness (an exec check) or unprobed: the reason a worker has none (e.g. 'exits when its broker connection drops; Kubernetes restarts it')",
      "route: is not used by a worker: a worker takes no requests",
    ]);
    assert.deepEqual(problems({ type: "worker", health: { unprobed: " " } }), [
      "health.unprobed: is empty; say why the worker has no liveness probe",
    ]);
    assert.deepEqual(problems({ type: "worker", health: { readiness: { type: "tcp" }, unprobed: "exits on a lost connection" } }), [
      "health.readiness.port: is required: the service has no port to check",
    ]);
    assert.deepEqual(problems({ health: { unprobed: "no reason" } }), [
      "health.unprobed: is for workers only: a web service takes requests, so it is probed",
    ]);
    assert.deepEqual(problems({ type: "worker", canary: { version: "1.5.0" }, health: { unprobed: "exits on a lost connection" } }), [
      "canary: is not accepted for a worker: weights split requests, and a worker takes none; roll a new version out by changing version (new pods come up before old ones go)",
    ]);
  });

  it("refuses a stateful service without disks, autoscaled, or with a canary, and disks where replicas are interchangeable", () => {
    assert.deepEqual(problems({ type: "stateful", replicas: { min: 3, max: 5 }, route: ROUTE, canary: { version: "1.5.0" } }), [
      "replicas.max: 5 would autoscale a stateful service, whose replicas each own data; set replicas.min only and scale it by changing that",
      "disks: is required: a stateful service keeps its data on a disk of each replica",
      "canary: is not accepted for a stateful service: each replica owns its data, and a second StatefulSet would start on empty disks of its own; roll a new version out by changing version (one replica at a time, highest first, each ready before the next)",
    ]);
    assert.deepEqual(
      problems({
        type: "stateful",
        disks: [
          { name: "data", size: "20GB", mountPath: "/tmp", storageClass: "ack-platform-essd" },
          { name: "data", size: "20Gi", mountPath: "relative", storageClass: "Fast SSD" },
        ],
      }),
      [
        "disks[0].size: '20GB' is not a Kubernetes quantity; use '20Gi' or '20480Mi'",
        "disks[0].mountPath: '/tmp' is also where the pod's /tmp is mounted",
        "disks[1].name: 'data' is also another disk's or volume's name",
        "disks[1].mountPath: 'relative' is not an absolute path such as '/var/lib/data' (and not '/')",
        "disks[1].storageClass: 'Fast SSD' is not a storage class name",
      ],
    );
    assert.deepEqual(problems({ disks: [{ name: "data", size: "20Gi", mountPath: "/data", storageClass: "ack-platform-essd" }] }), [
      "disks: are for a stateful service: a web service's replicas are interchangeable, so they share volumes (mounts) instead",
    ]);
  });

  it("refuses mounts that collide and placements Kubernetes would refuse", () => {
    assert.deepEqual(
      problems({
        mounts: [
          { claim: "courseware", mountPath: "/data" },
          { claim: "courseware", mountPath: "/data/", subPath: "../etc" },
        ],
        placement: {
          nodeSelector: { "acme.example.com/pool": "media pool" },
          tolerations: [{ key: "dedicated", operator: "Exists", value: "media" }],
        },
      }),
      [
        "mounts[1].claim: 'courseware' is mounted twice, or is also a disk's name",
        "mounts[1].mountPath: '/data/' is also where mounts[0] is mounted",
        "mounts[1].subPath: '../etc' is not a relative path inside the volume (no leading '/', no '..')",
        "placement.nodeSelector.acme.example.com/pool: 'media pool' is not a label value",
        "placement.tolerations[0].value: is set, but operator 'Exists' tolerates every value",
      ],
    );
  });

  it("refuses a route or monitoring without an http port", () => {
    assert.deepEqual(problems({ ports: [{ name: "rpc", port: 9090, protocol: "grpc" }], route: ROUTE, monitoring: {} }), [
      "route: needs an http port to send requests to; the service has none",
      "monitoring: needs an http port to scrape metrics from; the service has none",
    ]);
    assert.deepEqual(problems({ ports: [ADMIN, PUSH], route: { ...ROUTE, port: "push" } }), [
      "route.port: 'push' is not an http port of the service; routes send HTTP to 'admin'",
    ]);
  });
});
