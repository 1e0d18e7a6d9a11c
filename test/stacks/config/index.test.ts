import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KIND_DEFAULTS } from "../../../stacks/config";
import { configProblems, DEV, PROD, parseConfig } from "../configFixtures";

const SERVICE = { name: "orders", version: "1.4.2", resources: { cpu: "250m", memory: "512Mi" } };

const parse = (values: Record<string, unknown>, secrets: string[] = [], files: string[] = []) => parseConfig(values, { secrets, files });
const problems = (values: Record<string, unknown>, secrets: string[] = [], files: string[] = []) =>
  configProblems(values, { secrets, files });

function withService(base: Record<string, unknown>, ...services: Array<Record<string, unknown>>) {
  return { ...base, services };
}

describe("environment config: defaults per kind", () => {
  it("gives dev light defaults", () => {
    const env = parse(DEV);
    assert.equal(env.kind, "dev");
    assert.equal(env.logging.elasticsearch.nodes, KIND_DEFAULTS.dev.elasticsearchNodes);
    assert.equal(env.logging.retentionDays, 3);
    assert.equal(env.monitoring.prometheus.replicas, 1);
    assert.equal(env.policy.enforcement, "advisory");
    assert.ok("nodePools" in env.cluster);
    assert.equal(env.cluster.edition, "standard");
    assert.equal(env.cluster.publicApiServer, false);
    assert.equal(env.cluster.deletionProtection, false);
    assert.equal(env.gateway.tls.mode, "none");
  });

  it("gives prod strict defaults", () => {
    const env = parse(PROD);
    assert.ok("nodePools" in env.cluster);
    assert.equal(env.cluster.edition, "pro");
    assert.equal(env.cluster.deletionProtection, true);
    assert.equal(env.cluster.publicApiServer, false);
    assert.equal(env.logging.elasticsearch.nodes, 3);
    assert.equal(env.monitoring.alertmanager.replicas, 3);
    assert.equal(env.policy.enforcement, "mandatory");
    assert.equal(env.gateway.tls.mode, "cert-manager");
  });

  it("gives local no cloud layer and a local registry", () => {
    const env = parse({ kind: "local" });
    assert.equal(env.region, undefined);
    assert.equal(env.network, undefined);
    assert.deepEqual(env.zones, []);
    assert.equal(env.registry.mode, "local");
    assert.equal(env.logging.elasticsearch.storageClass, "standard");
  });

  it("fills a service's defaults", () => {
    const env = parse(withService(PROD, SERVICE));
    const svc = env.services[0]!;
    // The port and the probes' paths are the Microservice's to default (8080, '/ready', '/healthz').
    assert.equal(svc.port, undefined);
    assert.equal(svc.type, "web");
    assert.equal(svc.runtime, "generic");
    assert.equal(svc.replicas.min, 2);
    assert.equal(svc.health.readinessPath, undefined);
    assert.equal(svc.health.livenessPath, undefined);
    assert.deepEqual([svc.disks, svc.mounts, svc.pool], [[], [], undefined]);
    assert.equal(svc.shutdown.graceSeconds, 30);
    assert.deepEqual(svc.env, {});
  });
});

describe("environment config: problems name the key, the value and what is accepted", () => {
  it("refuses an unknown kind, and stops there", () => {
    assert.deepEqual(problems({ kind: "blue" }), ["kind: 'blue' is not one of: local, dev, staging, prod"]);
    assert.deepEqual(problems({}), ["kind: is required: one of: local, dev, staging, prod"]);
  });

  it("reports every problem of the issue's example at once", () => {
    const found = problems({
      ...DEV,
      zones: [],
      network: { vpcCidr: "10.0.0.0/33" },
      services: [
        SERVICE,
        { ...SERVICE, name: "payments", resources: { cpu: "250m", memory: "1GB" } },
        { ...SERVICE, name: "catalog" },
        { ...SERVICE, name: "cart", route: { host: "shop.example.com" }, canary: { version: "2.0.0", weight: 150 } },
      ],
    });
    assert.deepEqual(found, [
      "zones: needs at least 1 zone, got 0",
      "network.vpcCidr: '10.0.0.0/33' is not an IPv4 CIDR block such as '10.0.0.0/16': the prefix /33 is larger than /32",
      "services[1].resources.memory: '1GB' is not a Kubernetes quantity; use '1Gi' or '1024Mi'",
      "services[3].canary.weight: 150 is not between 0 and 100",
    ]);
  });

  it("names unknown keys with the keys accepted there", () => {
    const [first, second] = problems({ ...withService(DEV, { ...SERVICE, canry: { weight: 5 } }), colour: "blue" });
    assert.match(first!, /^colour: is not a known key; accepted keys: kind, region, zones, network, /);
    assert.match(second!, /^services\[0\]\.canry: is not a known key; accepted keys here: name, type, namespace, image, /);
  });

  it("refuses values of the wrong type with what is accepted", () => {
    assert.deepEqual(problems({ ...DEV, network: "big" }), [
      "network: 'big' is not a mapping with keys vpcCidr, nodeVswitchPrefix, podVswitchPrefix, natGateway, natBandwidthMbps, legacyNetworks, existing",
    ]);
    assert.deepEqual(problems({ ...DEV, gateway: { enabled: "yes" } }), ["gateway.enabled: 'yes' is not true or false"]);
    assert.deepEqual(problems({ ...DEV, region: undefined }), ["region: is required: a region id such as 'cn-hangzhou'"]);
  });

  it("refuses CIDRs with host bits set", () => {
    assert.deepEqual(problems({ ...DEV, network: { vpcCidr: "10.0.0.1/16" } }), [
      "network.vpcCidr: '10.0.0.1/16' is not an IPv4 CIDR block such as '10.0.0.0/16': host bits are set; the block starts at 10.0.0.0/16",
    ]);
  });

  it("refuses a service CIDR inside the VPC", () => {
    assert.deepEqual(problems({ ...DEV, network: { vpcCidr: "172.16.0.0/12" } }), [
      "cluster.serviceCidr: '172.21.0.0/20' overlaps the VPC '172.16.0.0/12'; use a block outside it such as '172.21.0.0/20'",
    ]);
  });

  it("asks for a pod CIDR with Flannel, outside the VPC and the services", () => {
    assert.deepEqual(problems({ ...DEV, cluster: { cni: "flannel" } }), [
      "cluster.podCidr: is required with cni 'flannel': a block outside the VPC and the service CIDR, such as '172.20.0.0/16'",
    ]);
    assert.deepEqual(problems({ ...DEV, network: { vpcCidr: "10.0.0.0/16" }, cluster: { cni: "flannel", podCidr: "10.0.128.0/17" } }), [
      "cluster.podCidr: '10.0.128.0/17' overlaps the VPC '10.0.0.0/16'",
    ]);
    assert.deepEqual(problems({ ...DEV, cluster: { podCidr: "172.20.0.0/16" } }), [
      "cluster.podCidr: is only used with cni 'flannel'; Terway gives pods addresses from the pod vSwitches",
    ]);
  });

  it("needs two zones in prod, each in the region, none twice", () => {
    assert.deepEqual(problems({ ...PROD, zones: ["cn-hangzhou-h"] }), [
      "zones: needs at least 2 zones so that a zone outage leaves capacity; got 1",
    ]);
    assert.deepEqual(problems({ ...DEV, zones: ["cn-hangzhou-h", "cn-shanghai-b", "cn-hangzhou-h"] }), [
      "zones[1]: 'cn-shanghai-b' is not a zone of region 'cn-hangzhou' (its zones are named like 'cn-hangzhou-a')",
      "zones[2]: 'cn-hangzhou-h' is listed twice (also zones[0])",
    ]);
    // Regions that end in a digit name their zones without a dash: ap-southeast-1a.
    assert.deepEqual(problems({ ...DEV, region: "ap-southeast-1", zones: ["ap-southeast-1a", "ap-southeast-1b"] }), []);
    assert.deepEqual(problems({ ...DEV, region: "ap-southeast-1", zones: ["ap-southeast-1a", "ap-southeast-11a", "cn-hangzhou"] }), [
      "zones[1]: 'ap-southeast-11a' is not a zone of region 'ap-southeast-1' (its zones are named like 'ap-southeast-1a')",
      "zones[2]: 'cn-hangzhou' is not a zone of region 'ap-southeast-1' (its zones are named like 'ap-southeast-1a')",
    ]);
  });

  it("keeps node pool min at or below max, names unique, and one pool that is not spot", () => {
    const pool = { name: "general", instanceTypes: ["ecs.g7.xlarge"], min: 5, max: 3 };
    assert.deepEqual(problems({ ...DEV, cluster: { nodePools: [pool, { ...pool, min: 1, spot: true }] } }), [
      "cluster.nodePools[1].name: 'general' is already used by nodePools[0]",
      "cluster.nodePools[0].min: 5 is greater than max 3",
    ]);
    assert.deepEqual(problems({ ...DEV, cluster: { nodePools: [{ ...pool, min: 0, spot: true }] } }), [
      "cluster.nodePools: needs at least one pool that is not spot: spot instances can all be reclaimed at once",
    ]);
    assert.deepEqual(problems({ ...DEV, cluster: { nodePools: [{ ...pool, instanceTypes: ["g7.xlarge"] }] } }), [
      "cluster.nodePools[0].instanceTypes[0]: 'g7.xlarge' is not an ECS instance type such as 'ecs.g7.xlarge'; did you mean 'ecs.g7.xlarge'?",
      "cluster.nodePools[0].min: 5 is greater than max 3",
    ]);
  });

  it("refuses a public API server in prod, and an unpinned or old Kubernetes", () => {
    assert.deepEqual(problems({ ...PROD, cluster: { publicApiServer: true } }), [
      "cluster.publicApiServer: true is not accepted in prod: reach the API server through the VPC (VPN, bastion or ACK's intranet endpoint)",
    ]);
    assert.deepEqual(problems({ ...DEV, cluster: { version: "1.28.3-aliyun.1" } }), [
      "cluster.version: '1.28.3-aliyun.1' is not an ACK version of Kubernetes 1.33 or later, such as '1.35.2-aliyun.1'",
    ]);
  });

  it("accepts only the registry modes of the kind, and needs Advanced to replicate", () => {
    assert.deepEqual(problems({ ...DEV, registry: { mode: "local" } }), [
      "registry.mode: 'local' is not one of: existing, managed (in a dev environment)",
    ]);
    assert.deepEqual(
      problems({
        ...PROD,
        registry: { ...PROD.registry, edition: "Basic", replication: { region: "cn-shanghai", instanceId: "cri-abc123" } },
      }),
      ["registry.replication: needs edition 'Advanced'; 'Basic' cannot sync to another region"],
    );
  });

  it("checks gateway TLS and alert receivers", () => {
    assert.deepEqual(problems({ ...PROD, gateway: { tls: {} } }), [
      "gateway.addressType: 'internet' is not accepted without TLS: an internet-facing gateway would serve every route in clear; give it a certificate (tls) or make it 'intranet'",
      "gateway.tls.email: is required with tls mode 'cert-manager': the ACME account's contact address",
    ]);
    assert.deepEqual(problems({ ...DEV, gateway: { tls: { mode: "secret" } } }), [
      "gateway.tls.certificateSecret: is required with tls mode 'secret'",
      "gateway.tls.keySecret: is required with tls mode 'secret'",
    ]);
    const receivers = [
      { name: "ops", type: "dingtalk" },
      { name: "mail", type: "email", to: ["ops@acme.example.com"] },
    ];
    assert.deepEqual(problems({ ...DEV, monitoring: { alertmanager: { receivers } } }), [
      "monitoring.alertmanager.receivers[0].url: is required for a dingtalk receiver",
      "monitoring.alertmanager.receivers[1].smarthost: is required for an email receiver: the SMTP server host:port",
      "monitoring.alertmanager.receivers[1].from: is required for an email receiver: the sender address",
    ]);
  });

  it("needs every named secret to be set as a secret", () => {
    const values = { ...DEV, monitoring: { grafana: { adminPasswordSecret: "grafanaAdminPassword" } } };
    assert.deepEqual(problems(values), [
      "monitoring.grafana.adminPasswordSecret: names the secret 'grafanaAdminPassword', which is not set as a secret; run `pulumi config set --secret grafanaAdminPassword <value>`",
    ]);
    assert.deepEqual(problems(values, ["grafanaAdminPassword"]), []);
  });
});

describe("environment config: services", () => {
  const at = (svc: Record<string, unknown>, env: Record<string, unknown> = DEV) => problems(withService(env, svc));

  it("refuses 'latest' and malformed versions", () => {
    assert.deepEqual(at({ ...SERVICE, version: "latest" }), [
      "services[0].version: 'latest' is not accepted: pin a version tag such as '1.4.2' or a digest, so every release can be rolled back to",
    ]);
    assert.deepEqual(at({ ...SERVICE, version: "1.0 beta" }), [
      "services[0].version: '1.0 beta' is not a version tag such as '1.4.2' or a digest 'sha256:<64 hex digits>'",
    ]);
    assert.deepEqual(at({ ...SERVICE, version: `sha256:${"a".repeat(64)}` }), []);
  });

  it("requires resources, and checks quantities and minimums", () => {
    assert.deepEqual(at({ name: "orders", version: "1" }), [
      "services[0].resources: is required: a mapping with keys cpu, cpuLimit, memory",
    ]);
    assert.deepEqual(at({ ...SERVICE, resources: { cpu: "250m", memory: "512m" } }), [
      "services[0].resources.memory: '512m' means millibytes; use '512Mi'",
    ]);
    assert.deepEqual(at({ ...SERVICE, resources: { cpu: "two", memory: "128Mi" } }), [
      "services[0].resources.cpu: 'two' is not a CPU quantity; use millicores such as '250m' or cores such as '1' or '0.5'",
    ]);
    assert.deepEqual(at({ ...SERVICE, resources: { cpu: "5m", memory: "32Mi" } }), [
      "services[0].resources.memory: '32Mi' is below the 64Mi minimum; use at least '64Mi'",
      "services[0].resources.cpu: '5m' is below the 10m minimum",
    ]);
    assert.deepEqual(at({ ...SERVICE, runtime: "jvm", resources: { cpu: "1", memory: "128Mi" } }), [
      "services[0].resources.memory: '128Mi' is below the 256Mi minimum for a JVM (heap plus metaspace and threads); use at least '256Mi'",
    ]);
    assert.deepEqual(at({ ...SERVICE, resources: { cpu: "500m", cpuLimit: "250m", memory: "512Mi" } }), [
      "services[0].resources.cpuLimit: '250m' is below the request '500m'",
    ]);
  });

  it("checks replicas and autoscaling", () => {
    assert.deepEqual(at({ ...SERVICE, replicas: { min: 4, max: 2 }, autoscaling: { cpuPercent: 70 } }), [
      "services[0].replicas.max: 2 is not between replicas.min (4) and 1000",
    ]);
    assert.deepEqual(at({ ...SERVICE, replicas: { min: 2, max: 6 } }), [], "CPU at 70% is the default target");
    assert.deepEqual(at({ ...SERVICE, autoscaling: { night: { min: 1, from: "23:00", to: "07:00" } } }), [
      "services[0].autoscaling.night: needs replicas.max above replicas.min: it lowers the autoscaler's minimum at night",
    ]);
    assert.deepEqual(
      at({ ...SERVICE, replicas: { min: 2, max: 6 }, autoscaling: { cpuPercent: 70, night: { min: 3, from: "23:00", to: "7:00" } } }),
      ["services[0].autoscaling.night.to: '7:00' is not a time of day such as '23:00'"],
    );
    assert.deepEqual(
      at({ ...SERVICE, replicas: { min: 2, max: 6 }, autoscaling: { cpuPercent: 70, night: { min: 3, from: "23:00", to: "07:00" } } }),
      ["services[0].autoscaling.night.min: 3 is not between 1 and the day minimum 2"],
    );
  });

  it("keeps probes apart and leaves time to drain", () => {
    assert.deepEqual(
      at({ ...SERVICE, health: { readinessPath: "/health", livenessPath: "/health" }, shutdown: { drainSeconds: 30, graceSeconds: 30 } }),
      [
        "services[0].health.livenessPath: '/health' is also the readiness check; a liveness probe that fails with readiness restarts pods that are only busy",
        "services[0].shutdown.graceSeconds: 30 leaves no time after the 30s drain; make it larger than drainSeconds",
      ],
    );
  });

  it("checks gray-release settings", () => {
    const route = { host: "shop.example.com", path: "/orders" };
    assert.deepEqual(at({ ...SERVICE, canary: { version: "1.4.2", weight: 10 } }), [
      "services[0].canary.version: '1.4.2' is the stable version too, with weight 10; give the new version, or (handing a promotion over) weight 0",
      "services[0].canary.weight: needs a route or a port exposed through the gateway: weights are applied at the gateway",
    ]);
    assert.deepEqual(at({ ...SERVICE, route, canary: { version: "1.4.2", weight: 0 } }), [], "a promotion handing over");
    assert.deepEqual(at({ ...SERVICE, canary: { version: "1.5.0", header: { name: "x canary", value: "1" } }, route }), [
      "services[0].canary.header.name: 'x canary' is not an HTTP header name such as 'x-canary'",
    ]);
    assert.deepEqual(
      at({ ...SERVICE, route, canary: { version: "1.5.0", weight: 60 }, legacy: { endpoints: ["10.0.1.15:8080"], weight: 50 } }),
      ["services[0].legacy.weight: 50 plus the canary weight 60 is more than 100"],
    );
    assert.deepEqual(at({ ...SERVICE, legacy: { endpoints: ["10.0.1.15:80800"], weight: 50 }, route }), [
      "services[0].legacy.endpoints[0]: '10.0.1.15:80800' is not an IPv4 address and port such as '10.0.1.15:8080'",
    ]);
    assert.deepEqual(at({ ...SERVICE, legacy: { endpoints: ["10.0.1.15:8080"], weight: 50 } }), [
      "services[0].legacy: needs a route: the split between legacy and cluster happens at the gateway",
    ]);
  });

  it("keeps the testers' header from being guessed: a secret, or (in prod) only with client networks", () => {
    const route = { host: "shop.example.com", path: "/orders" };
    assert.deepEqual(at({ ...SERVICE, route, canary: { version: "1.5.0", header: { name: "x-canary" } } }), [
      "services[0].canary.header: needs exactly one of value and valueSecret (the name of a secret config key holding the value)",
    ]);
    assert.deepEqual(at({ ...SERVICE, route, canary: { version: "1.5.0", header: { name: "x-canary", valueSecret: "testersToken" } } }), [
      "services[0].canary.header.valueSecret: names the secret 'testersToken', which is not set as a secret; run `pulumi config set --secret testersToken <value>`",
    ]);
    const prod = (header: Record<string, unknown>, secretKeys: string[] = []) =>
      problems(withService(PROD, { ...SERVICE, route, canary: { version: "1.5.0", header } }), secretKeys);
    assert.deepEqual(prod({ name: "x-canary", value: "testers" }), [
      "services[0].canary.header.value: 'testers' is in git and in clear in the plan, so anyone who reads either reaches the pre-release in production; set valueSecret to a secret config key (`pulumi config set --secret <key> \"$(openssl rand -hex 24)\"`), or admit only the testers' networks with clientCidrs",
    ]);
    assert.deepEqual(prod({ name: "x-canary", value: "testers", clientCidrs: ["203.0.113.0/24"] }), []);
    assert.deepEqual(prod({ name: "x-canary", valueSecret: "testersToken" }, ["testersToken"]), []);
    assert.deepEqual(prod({ name: "x-canary", valueSecret: "testersToken", clientCidrs: ["office"] }, ["testersToken"]), [
      "services[0].canary.header.clientCidrs[0]: 'office' is not an IPv4 CIDR block such as '10.0.0.0/16': expected four dot-separated numbers and a /prefix",
    ]);
  });

  it("checks legacy health checks against the router, and the services a service calls", () => {
    const route = { host: "shop.example.com", path: "/orders" };
    assert.deepEqual(
      at({
        ...SERVICE,
        route,
        legacy: { endpoints: ["10.0.1.15:8080"], weight: 50, healthCheck: { path: "/status", unhealthyThreshold: 1 } },
      }),
      ["services[0].legacy.healthCheck.unhealthyThreshold: 1 is not between 2 and 10"],
    );
    assert.deepEqual(at({ ...SERVICE, route, legacy: { endpoints: ["10.0.1.15:8080"], weight: 50, healthCheck: { path: "/status" } } }), [
      "services[0].route: gateway-api router: legacy health-check path '/status' of 'orders' is not the readiness path '/ready': the gateway checks every backend of the route (the pods too) at one path; use the readiness path, or protocol 'tcp'",
    ]);
    assert.deepEqual(
      problems(withService(DEV, { ...SERVICE, calls: ["orders", "billing", "cart", "cart"] }, { ...SERVICE, name: "cart" })),
      [
        "services[0].calls[0]: 'orders' is this service itself; a service reaches its own pods without a policy",
        "services[0].calls[1]: 'billing' is not a service of this environment; the services are: orders, cart",
        "services[0].calls[3]: 'cart' is listed twice",
      ],
    );
    assert.deepEqual(at({ ...SERVICE, egress: [{ ports: [5432] }] }), [
      "services[0].egress[0]: needs a host or a cidr (the address block the endpoint is in)",
    ]);
  });

  it("refuses duplicate names and routes, even next to other mistakes", () => {
    const route = { host: "shop.example.com", path: "/orders" };
    assert.deepEqual(
      problems(withService(DEV, { ...SERVICE, route }, { ...SERVICE, version: "latest", route }, { ...SERVICE, name: "b", route })),
      [
        "services[1].version: 'latest' is not accepted: pin a version tag such as '1.4.2' or a digest, so every release can be rolled back to",
        "services[1].name: 'orders' is already used by services[0]",
        "services[2].route: 'shop.example.com/orders' is already routed to services[0]",
      ],
    );
  });

  it("checks build contexts and secret variables", () => {
    const svc = { ...SERVICE, build: { context: "services/orders" }, secretEnv: { DB_PASSWORD: "ordersDbPassword" } };
    assert.deepEqual(at(svc), [
      "services[0].build.context: 'services/orders/Dockerfile' does not exist in this repository",
      "services[0].secretEnv.DB_PASSWORD: names the secret 'ordersDbPassword', which is not set as a secret; run `pulumi config set --secret ordersDbPassword <value>`",
    ]);
    assert.deepEqual(problems(withService(DEV, svc), ["ordersDbPassword"], ["services/orders/Dockerfile"]), []);
    assert.deepEqual(at({ ...SERVICE, env: { "LOG-LEVEL": "info" } }), [
      "services[0].env: 'LOG-LEVEL' is not a variable name (letters, digits, '_')",
    ]);
  });
});
