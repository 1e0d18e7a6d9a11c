/**
 * The forms of the workload config: ports and protocols, L4 exposure, workers, stateful services,
 * shared volumes, node pools, jobs and serviceDefaults: their defaults, each option, each refusal.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configProblems, DEV, parseConfig, PROD } from "../configFixtures";

const SERVICE = { name: "orders", version: "1.4.2", resources: { cpu: "250m", memory: "512Mi" } };
const parse = (values: Record<string, unknown>, secrets: string[] = []) => parseConfig(values, { secrets });
const problems = (values: Record<string, unknown>, secrets: string[] = []) => configProblems(values, { secrets });
const withServices = (env: Record<string, unknown>, ...services: Array<Record<string, unknown>>) => ({ ...env, services });

const PUSH = {
  name: "push-gateway",
  version: "2.1.0",
  resources: { cpu: "250m", memory: "256Mi" },
  ports: [
    { name: "push", port: 9000, protocol: "tcp", expose: { via: "gateway" } },
    { name: "http", port: 8080 },
  ],
};
const POOLS = {
  nodePools: [
    { name: "general", instanceTypes: ["ecs.g7.xlarge"], min: 2, max: 4 },
    {
      name: "media",
      instanceTypes: ["ecs.c7.2xlarge"],
      min: 0,
      max: 4,
      labels: { "acme.example.com/pool": "media" },
      taints: [{ key: "acme.example.com/dedicated", value: "media" }],
    },
  ],
};
const NAS = { name: "courseware", server: "0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com", path: "/courseware" };

describe("workload config: defaults", () => {
  it("a service is a web service whose port, probes and disks are left to the Microservice", () => {
    const svc = parse(withServices(DEV, SERVICE)).services[0]!;
    assert.deepEqual([svc.type, svc.port, svc.ports, svc.disks, svc.mounts, svc.pool], ["web", undefined, undefined, [], [], undefined]);
  });

  it("a port is http, its exposure absent; a disk takes the kind's disk class; a volume is NFS 3, 100Gi, writable", () => {
    const env = parse({
      ...withServices(
        DEV,
        { ...SERVICE, ports: [{ name: "http", port: 8080 }] },
        {
          ...SERVICE,
          name: "index",
          type: "stateful",
          disks: [{ name: "data", size: "20Gi", mountPath: "/data" }],
          mounts: [{ volume: "courseware", mountPath: "/cw" }],
        },
      ),
      workloads: { volumes: [NAS] },
    });
    assert.deepEqual(env.services[0]!.ports, [{ name: "http", port: 8080, protocol: "http" }]);
    assert.equal(env.services[1]!.disks[0]!.storageClass, "ack-platform-essd");
    assert.deepEqual(env.services[1]!.mounts, [{ volume: "courseware", mountPath: "/cw", readOnly: false }]);
    assert.deepEqual(env.workloads.volumes, [{ ...NAS, nfsVersion: "3", size: "100Gi", readOnly: false }]);
    const local = parse({
      kind: "local",
      services: [{ ...SERVICE, type: "stateful", disks: [{ name: "data", size: "1Gi", mountPath: "/data" }] }],
    });
    assert.equal(local.services[0]!.disks[0]!.storageClass, "standard");
  });

  it("a job runs once with two retries within an hour; jobs and serviceDefaults are empty", () => {
    const env = parse({ ...DEV, jobs: [{ name: "orders-migrate", image: "orders", version: "1.4.2", resources: SERVICE.resources }] });
    assert.deepEqual(
      [env.jobs[0]!.schedule, env.jobs[0]!.retries, env.jobs[0]!.deadlineSeconds, env.jobs[0]!.runtime],
      [undefined, 2, 3600, "generic"],
    );
    assert.deepEqual([parse(DEV).jobs, parse(DEV).serviceDefaults], [[], undefined]);
  });
});

describe("workload config: options", () => {
  it("accepts a push gateway on TCP 9000 through the gateway, an admin port, and probes of any kind", () => {
    assert.deepEqual(
      problems(
        withServices(DEV, {
          ...PUSH,
          health: { readiness: { type: "tcp", port: "push" }, liveness: { type: "http", path: "/healthz", port: "http" } },
          command: ["/app/push-gateway"],
          args: ["--listen", ":9000"],
        }),
      ),
      [],
    );
  });

  it("accepts a worker with an exec check, a stateful service with disks, a pool, and shared volumes", () => {
    const env = {
      ...withServices(
        PROD,
        {
          ...SERVICE,
          name: "transcoder",
          type: "worker",
          pool: "media",
          health: { liveness: { type: "exec", command: ["/app/transcoder", "alive"] } },
          mounts: [{ volume: "courseware", mountPath: "/data/courseware" }],
        },
        {
          ...SERVICE,
          name: "search-index",
          type: "stateful",
          replicas: { min: 3 },
          disks: [{ name: "data", size: "50Gi", mountPath: "/var/lib/index" }],
        },
      ),
      cluster: POOLS,
      workloads: { volumes: [NAS] },
    };
    assert.deepEqual(problems(env), []);
  });

  it("accepts a migration job and a nightly job that call a service and mount a volume", () => {
    assert.deepEqual(
      problems({
        ...withServices(DEV, SERVICE),
        workloads: { volumes: [NAS] },
        jobs: [
          { name: "orders-migrate", image: "orders", version: "1.4.2", command: ["/app/orders", "migrate"], resources: SERVICE.resources },
          {
            name: "reports-nightly",
            version: "3.0.1",
            schedule: "30 2 * * *",
            resources: SERVICE.resources,
            calls: ["orders"],
            mounts: [{ volume: "courseware", mountPath: "/reports" }],
            egress: [{ cidr: "10.10.0.0/16", ports: [3306] }],
          },
        ],
      }),
      [],
    );
  });

  it("merges serviceDefaults under every service: mappings key by key, lists replaced, the service winning", () => {
    const env = parse({
      ...withServices(
        DEV,
        { name: "orders", version: "1.4.2", resources: { cpu: "500m" } },
        { name: "users", version: "2.0.0", env: { LOG_LEVEL: "debug" }, egress: [{ cidr: "10.0.0.0/8", ports: [6379] }] },
      ),
      serviceDefaults: {
        runtime: "jvm",
        resources: { cpu: "250m", memory: "1Gi" },
        env: { LOG_LEVEL: "info", TZ: "Asia/Shanghai" },
        egress: [{ cidr: "10.10.0.0/16", ports: [3306] }],
        metrics: { requestsMetric: "http_server_requests_seconds_count", statusLabel: "status" },
      },
    });
    const [orders, users] = env.services;
    assert.deepEqual(orders!.resources, { cpu: "500m", memory: "1Gi" });
    assert.equal(orders!.runtime, "jvm");
    assert.deepEqual(users!.env, { LOG_LEVEL: "debug", TZ: "Asia/Shanghai" });
    assert.deepEqual(users!.egress, [{ cidr: "10.0.0.0/8", ports: [6379] }], "a list is replaced, not appended to");
    assert.equal(users!.metrics.statusLabel, "status");
  });
});

describe("workload config: refusals", () => {
  it("refuses a service's own mistakes with the component's words, under the service's keys", () => {
    assert.deepEqual(problems(withServices(DEV, { ...SERVICE, type: "worker", port: 8080, canary: { version: "1.5.0" } })), [
      "services[0].port: is not used by a worker: a worker takes no requests (make it a web service to serve some)",
      "services[0].health: needs liveness (an exec check) or unprobed: the reason a worker has none (e.g. 'exits when its broker connection drops; Kubernetes restarts it')",
      "services[0].canary: is not accepted for a worker: weights split requests, and a worker takes none; roll a new version out by changing version (new pods come up before old ones go)",
    ]);
    assert.deepEqual(problems(withServices(DEV, { ...SERVICE, type: "stateful", replicas: { min: 3 }, canary: { version: "1.5.0" } })), [
      "services[0].disks: is required: a stateful service keeps its data on a disk of each replica",
      "services[0].canary: is not accepted for a stateful service: each replica owns its data, and a second StatefulSet would start on empty disks of its own; roll a new version out by changing version (one replica at a time, highest first, each ready before the next)",
    ]);
    assert.deepEqual(problems(withServices(DEV, { ...SERVICE, ports: [{ name: "push", port: 9000, protocol: "tcp" }] })), [
      "services[0].health.liveness: is required: the service has no http or grpc port, and a tcp connection is its readiness check; give a check that fails only when the process is stuck (e.g. { type: exec, command: [...] })",
    ]);
  });

  it("refuses a disk below its class's smallest disk, as the platform states it", () => {
    assert.deepEqual(
      problems(withServices(DEV, { ...SERVICE, type: "stateful", disks: [{ name: "data", size: "5Gi", mountPath: "/data" }] })),
      [
        "services[0].disks[0].size: '5Gi' is not at least '20Gi', the minimum of a disk of storage class 'ack-platform-essd' (cloud_essd PL1): the disk driver refuses a smaller claim and the volume stays Pending",
      ],
    );
  });

  it("refuses two services on one TCP port of the gateway, a port the gateway's HTTP holds, and exposure without the Envoy gateway", () => {
    assert.deepEqual(problems(withServices(DEV, PUSH, { ...PUSH, name: "push-backup" })), [
      "services[1].ports[0].expose: the gateway's TCP port 9000 is already taken by push-gateway's port 'push'; give this port another servicePort",
    ]);
    assert.deepEqual(problems(withServices(DEV, { ...PUSH, ports: [{ ...PUSH.ports[0], servicePort: 443 }, PUSH.ports[1]] })), [
      // The Gateway's own rule, said at the service's port.
      "services[0].ports[0].servicePort: 443 is not a port between 1 and 65535 other than 80, 443 and the other TCP listeners'",
    ]);
    assert.deepEqual(problems({ ...withServices(DEV, PUSH), gateway: { enabled: false } }), [
      "services[0].ports[0].expose.via: 'gateway' needs the Envoy gateway (gateway.enabled and gateway.controller 'envoy-gateway'): TCPRoutes are Gateway API routes",
    ]);
    const lb = { ...PUSH, ports: [{ ...PUSH.ports[0], expose: { via: "load-balancer" } }, PUSH.ports[1]] };
    assert.deepEqual(problems({ kind: "local", services: [lb] }), [
      "services[0].ports[0].expose.via: 'load-balancer' needs ACK's cloud controller; a local cluster has none (use 'gateway', or kubectl port-forward)",
    ]);
  });

  it("refuses a pool that is not the cluster's, one without labels, and one whose labels select another pool too", () => {
    const at = (pool: string, nodePools: ReadonlyArray<Record<string, unknown>> = POOLS.nodePools) =>
      problems({ ...withServices(DEV, { ...SERVICE, pool }), cluster: { nodePools } });
    assert.deepEqual(at("gpu"), ["services[0].pool: 'gpu' is not a node pool of cluster.nodePools; the pools are: general, media"]);
    assert.deepEqual(at("general"), [
      "services[0].pool: 'general' has no labels to select its nodes by; give cluster.nodePools 'general' labels (e.g. acme.example.com/pool: general)",
    ]);
    const overlapping = [
      ...POOLS.nodePools,
      { ...POOLS.nodePools[1]!, name: "media-spot", labels: { "acme.example.com/pool": "media", spot: "yes" }, spot: true },
    ];
    assert.deepEqual(at("media", overlapping), [
      "services[0].pool: 'media''s labels (acme.example.com/pool: media) also select pool media-spot; give 'media' a label of its own",
    ]);
    assert.deepEqual(problems({ kind: "local", services: [{ ...SERVICE, pool: "media" }] }), [
      "services[0].pool: 'media' names a node pool, but a local cluster has none",
    ]);
  });

  it("refuses a mount of a volume that is not declared, a NAS server with a path in it, and NAS on a laptop", () => {
    assert.deepEqual(problems(withServices(DEV, { ...SERVICE, mounts: [{ volume: "uploads", mountPath: "/uploads" }] })), [
      "services[0].mounts[0].volume: 'uploads' is not a volume of workloads.volumes (it declares none)",
    ]);
    assert.deepEqual(problems({ ...DEV, workloads: { volumes: [{ ...NAS, server: `${NAS.server}:/courseware` }, NAS] } }), [
      "workloads.volumes[0].server: '0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com:/courseware' has a path in it; give the mount target's domain as server and the directory as path (the NAS driver refuses 'server:/dir')",
      "workloads.volumes[1].name: 'courseware' is already used by workloads.volumes[0]",
    ]);
    assert.deepEqual(problems({ kind: "local", workloads: { volumes: [NAS] } }), [
      "workloads.volumes[0]: is a NAS volume, which a local cluster cannot mount (it has no NAS driver); use it in a cloud environment",
    ]);
  });

  it("refuses jobs named like a service, with a bad schedule, calling what cannot be called", () => {
    const job = { name: "orders", version: "1.4.2", resources: SERVICE.resources };
    assert.deepEqual(
      problems({
        ...withServices(DEV, SERVICE, {
          ...SERVICE,
          name: "events",
          type: "worker",
          health: { unprobed: "exits when its broker connection drops" },
        }),
        jobs: [job, { ...job, name: "nightly", schedule: "at 3am", calls: ["events", "billing"] }],
      }),
      [
        "jobs[0].name: 'orders' is a service's name too; a job's objects (its ConfigMap, its network policy) would take the service's",
        "jobs[1].schedule: 'at 3am' is not a cron schedule of five fields (minute hour day-of-month month day-of-week) such as '0 3 * * *' (03:00 every day)",
      ],
    );
    assert.deepEqual(
      problems({
        ...withServices(DEV, SERVICE, {
          ...SERVICE,
          name: "events",
          type: "worker",
          health: { unprobed: "exits when its broker connection drops" },
        }),
        jobs: [{ ...job, name: "nightly", schedule: "0 3 * * *", timezone: "Shanghai", calls: ["events", "billing"] }],
      }),
      [
        "jobs[0].timezone: 'Shanghai' is not a time zone such as 'Asia/Shanghai' or 'UTC'",
        "jobs[0].calls[0]: 'events' is a worker: it listens on no port, so nothing can call it",
        "jobs[0].calls[1]: 'billing' is not a service of this environment; the services are: orders, events",
      ],
    );
  });

  it("refuses serviceDefaults that name a service or set its release, and says which value came from them", () => {
    assert.deepEqual(
      problems({ ...withServices(DEV, SERVICE), serviceDefaults: { name: "x", canary: { version: "2.0.0" }, replicas: { min: 0 } } }),
      [
        "serviceDefaults.name: is each service's own: a default cannot name every service",
        "serviceDefaults.canary: is a release setting, each service's own (the release helper edits the service's block); set it on the service",
        "serviceDefaults.replicas.min: 0 is not between 1 and 1000",
      ],
    );
    // Said once, where it is written.
    assert.deepEqual(
      problems({
        ...withServices(DEV, { name: "orders", version: "1.4.2" }),
        serviceDefaults: { resources: { cpu: "250m", memory: "1GB" } },
      }),
      ["serviceDefaults.resources.memory: '1GB' is not a Kubernetes quantity; use '1Gi' or '1024Mi'"],
    );
    // A service's own problem beside a valid default is the service's.
    assert.deepEqual(
      problems({
        ...withServices(DEV, { name: "orders", version: "1.4.2", resources: { cpu: "lots" } }),
        serviceDefaults: { resources: { memory: "1Gi" } },
      }),
      ["services[0].resources.cpu: 'lots' is not a CPU quantity; use millicores such as '250m' or cores such as '1' or '0.5'"],
    );
  });
});
