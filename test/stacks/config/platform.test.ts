import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configProblems, DEV, PROD, parseConfig } from "../configFixtures";
import { certificateHosts } from "../../../stacks/config/platform";

const ALB = { controller: "alb", alb: { vswitchIds: ["vsw-a1", "vsw-b2"] } };

const parse = (values: Record<string, unknown>, secrets: string[] = []) => parseConfig(values, { secrets });
/** The "<path>: <message>" lines the values produce. */
const problems = (values: Record<string, unknown>, secrets: string[] = []) => configProblems(values, { secrets });

describe("platform config: defaults per kind", () => {
  it("gives local and dev light add-ons: one replica, small disks, plain HTTP", () => {
    const local = parse({ kind: "local" });
    assert.deepEqual(local.gateway.proxy, { cpu: "100m", memory: "128Mi" });
    assert.equal(local.logging.elasticsearch.nodes, 1);
    assert.equal(local.logging.elasticsearch.storage, "5Gi");
    assert.equal(local.monitoring.prometheus.storage, "5Gi");
    const dev = parse(DEV);
    assert.equal(dev.gateway.replicas, 1);
    assert.equal(dev.gateway.loadBalancerSpec, "clcu");
    assert.equal(dev.gateway.addressType, "intranet", "dev serves HTTP, so it is not on the internet");
    assert.equal(dev.logging.elasticsearch.storageClass, "ack-platform-essd");
    assert.equal(dev.monitoring.alertmanager.storage, "20Gi");
    assert.equal(dev.monitoring.grafana.replicas, 1);
    assert.equal(local.monitoring.alertmanager.storage, "1Gi");
    assert.equal(dev.gateway.tls.mode, "none");
    assert.deepEqual(dev.gateway.tls.hosts, []);
    assert.equal(dev.gateway.alb, undefined);
    assert.deepEqual(dev.logging.fluentBit, { cpu: "100m", memory: "256Mi" });
    assert.deepEqual(dev.logging.kibana.allowedSourceRanges, ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);
    assert.deepEqual(dev.monitoring.alerts, { gatewayErrorPercent: 5, gatewayP99Ms: 1000, tcpRetransmitPercent: 1, volumeFreePercent: 10 });
    assert.equal(dev.monitoring.prometheus.cpu, "500m");
  });

  it("gives prod HA add-ons on bigger load balancers and nodes", () => {
    const prod = parse(PROD);
    assert.equal(prod.gateway.replicas, 3);
    assert.equal(prod.gateway.loadBalancerSpec, "clcu");
    assert.equal(prod.gateway.addressType, "internet");
    assert.equal(prod.monitoring.grafana.replicas, 2);
    assert.equal(prod.logging.collectorNamespace, "log-collector");
    assert.equal(prod.monitoring.nodeExporterNamespace, "node-exporter");
    assert.deepEqual(prod.gateway.proxy, { cpu: "1", memory: "1Gi" });
    assert.equal(prod.gateway.tls.mode, "cert-manager");
    assert.equal(prod.logging.elasticsearch.nodes, 3);
    assert.equal(prod.logging.kibana.replicas, 2);
    assert.equal(prod.monitoring.prometheus.replicas, 2);
    assert.equal(prod.monitoring.prometheus.cpu, "1");
    assert.equal(prod.logging.fluentBit.memory, "512Mi");
  });

  it("takes each add-on off per environment", () => {
    const off = parse({ ...DEV, gateway: { enabled: false }, logging: { enabled: false }, monitoring: { enabled: false } });
    assert.deepEqual([off.gateway.enabled, off.logging.enabled, off.monitoring.enabled], [false, false, false]);
  });
});

describe("platform config: problems name the key, the value and what is accepted", () => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    [
      "an unknown load balancer billing",
      { ...DEV, gateway: { loadBalancerSpec: "slb.huge" } },
      ["gateway.loadBalancerSpec: 'slb.huge' is not a CLB billing: use 'clcu' (pay-by-CLCU, the only CLB billing on sale)"],
    ],
    [
      "a retired pay-by-specification CLB",
      { ...DEV, gateway: { loadBalancerSpec: "slb.s2.medium" } },
      [
        "gateway.loadBalancerSpec: 'slb.s2.medium' is not on sale: CLB pay-by-specification instances are no longer sold since 2025-06-01, so the cloud controller cannot create one and the gateway would never get an address; use 'clcu' (pay-by-CLCU)",
      ],
    ],
    [
      "an internet-facing gateway without TLS",
      { ...DEV, gateway: { addressType: "internet" } },
      [
        "gateway.addressType: 'internet' is not accepted without TLS: an internet-facing gateway would serve every route in clear; give it a certificate (tls) or make it 'intranet'",
      ],
    ],
    [
      "an Alertmanager disk below the ESSD minimum",
      { ...DEV, monitoring: { alertmanager: { storage: "2Gi" } } },
      [
        "monitoring.alertmanager.storage: '2Gi' is not at least '20Gi', the minimum of a disk of storage class 'ack-platform-essd' (cloud_essd PL1): the disk driver refuses a smaller claim and the volume stays Pending",
      ],
    ],
    [
      "an Elasticsearch disk below the minimum of ACK's ESSD class",
      { ...DEV, logging: { elasticsearch: { storage: "10Gi", storageClass: "alicloud-disk-essd" } } },
      [
        "logging.elasticsearch.storage: '10Gi' is not at least '20Gi', the minimum of a disk of storage class 'alicloud-disk-essd' (cloud_essd): the disk driver refuses a smaller claim and the volume stays Pending",
      ],
    ],
    [
      "a disk class that binds Immediately in a multi-zone production",
      { ...PROD, monitoring: { prometheus: { storageClass: "alicloud-disk-essd" } } },
      [
        "monitoring.prometheus.storageClass: 'alicloud-disk-essd' binds a disk Immediately, in a zone chosen before the pod is scheduled: in a multi-zone cluster use a class that waits for the first consumer, such as the default or 'alicloud-disk-topology-alltype'",
      ],
    ],
    [
      "node agents sharing the add-ons' namespace",
      { ...DEV, logging: { collectorNamespace: "logging" } },
      [
        "logging.collectorNamespace: 'logging' is the logging namespace: the collector's namespace admits privileged pods, so it holds nothing else",
      ],
    ],
    [
      "a proxy memory of 1GB",
      { ...DEV, gateway: { proxy: { memory: "1GB" } } },
      ["gateway.proxy.memory: '1GB' is not a Kubernetes quantity; use '1Gi' or '1024Mi'"],
    ],
    [
      "the ALB on a laptop",
      { kind: "local", gateway: { controller: "alb" } },
      ["gateway.controller: 'alb' is not available on a local cluster: it needs ACK's ALB Ingress controller; use 'envoy-gateway'"],
    ],
    [
      "the ALB without vSwitches",
      { ...DEV, gateway: { controller: "alb" } },
      ["gateway.alb.vswitchIds: is required with controller 'alb': the vSwitches, in two zones at least, the ALB is placed in"],
    ],
    [
      "an ALB in one vSwitch",
      { ...DEV, gateway: { controller: "alb", alb: { vswitchIds: ["vsw-a1"] } } },
      ['gateway.alb.vswitchIds: ["vsw-a1"] is not a list of at least 2 vSwitch ids in different zones (an ALB spans two zones)'],
    ],
    [
      "cert-manager with the ALB",
      { ...PROD, gateway: { ...ALB, addressType: "intranet", tls: { email: "ops@acme.example.com" } } },
      [
        "gateway.tls.mode: 'cert-manager' is not available with controller 'alb': use 'alb-discovery' (certificates from Certificate Management Service) or 'none'",
      ],
    ],
    [
      "ALB settings with Envoy Gateway",
      { ...DEV, gateway: { alb: { vswitchIds: ["vsw-a1", "vsw-b2"] } } },
      ["gateway.alb: is only used with controller 'alb'"],
    ],
    [
      "ALB discovery with Envoy Gateway",
      { ...DEV, gateway: { tls: { mode: "alb-discovery" } } },
      [
        "gateway.tls.mode: 'alb-discovery' is not available with controller 'envoy-gateway', which takes 'secret' or 'cert-manager'; 'alb-discovery' needs controller 'alb'",
      ],
    ],
    [
      "a wildcard for ACME HTTP-01",
      { ...PROD, gateway: { tls: { email: "ops@acme.example.com", hosts: ["*.acme.example.com"] } } },
      [
        "gateway.tls.hosts[0]: '*.acme.example.com' is not accepted with tls mode 'cert-manager': the HTTP-01 challenge cannot certify a wildcard; list each host",
      ],
    ],
    [
      "two Elasticsearch nodes",
      { ...DEV, logging: { elasticsearch: { nodes: 2 } } },
      ["logging.elasticsearch.nodes: 2 is not accepted: two nodes cannot keep a master quorum when one is lost; use 1, or 3 and more"],
    ],
    [
      "one Elasticsearch node in prod",
      { ...PROD, logging: { elasticsearch: { nodes: 1 } } },
      [
        "logging.elasticsearch.nodes: 1 is not enough for prod: use at least 3, so that a node's loss keeps a quorum and every shard's replica",
      ],
    ],
    [
      "a source range that is not a CIDR",
      { ...DEV, logging: { kibana: { allowedSourceRanges: ["office"] } } },
      ["logging.kibana.allowedSourceRanges[0]: 'office' is not an IPv4 CIDR block such as '10.0.0.0/8'"],
    ],
    [
      "no source range",
      { ...DEV, monitoring: { grafana: { allowedSourceRanges: [] } } },
      ["monitoring.grafana.allowedSourceRanges: [] is not a non-empty list of CIDR blocks"],
    ],
    [
      "a private Kibana behind an internet-facing ALB",
      {
        ...DEV,
        gateway: { ...ALB, addressType: "internet", tls: { mode: "alb-discovery" } },
        logging: { kibana: { host: "kibana.acme.example.com" } },
      },
      [
        "logging.kibana.allowedSourceRanges: cannot be enforced by an internet-facing ALB: set gateway.addressType to 'intranet', or admit '0.0.0.0/0' to make the UI public",
      ],
    ],
    [
      "a receiver named discard",
      { ...DEV, monitoring: { alertmanager: { receivers: [{ name: "discard", type: "webhook", url: "https://hooks.example.com" }] } } },
      ["monitoring.alertmanager.receivers[0].name: 'discard' is reserved for the alerts sent nowhere; choose another name"],
    ],
    [
      "a 0% alert threshold",
      { ...DEV, monitoring: { alerts: { gatewayErrorPercent: 0 } } },
      ["monitoring.alerts.gatewayErrorPercent: 0 is not an integer between 1 and 100"],
    ],
    [
      "a TLS certificate secret that is not set",
      { ...DEV, gateway: { tls: { mode: "secret", certificateSecret: "gatewayCert", keySecret: "gatewayKey" } } },
      [
        "gateway.tls.certificateSecret: names the secret 'gatewayCert', which is not set as a secret; run `pulumi config set --secret gatewayCert <value>`",
        "gateway.tls.keySecret: names the secret 'gatewayKey', which is not set as a secret; run `pulumi config set --secret gatewayKey <value>`",
      ],
    ],
  ];
  for (const [what, values, expected] of cases) {
    it(`refuses ${what}`, () => assert.deepEqual(problems(values), expected));
  }

  it("accepts what those rules allow", () => {
    assert.deepEqual(
      problems({ ...DEV, gateway: { ...ALB, addressType: "intranet" }, logging: { kibana: { host: "kibana.acme.example.com" } } }),
      [],
    );
    assert.deepEqual(
      problems({ ...DEV, gateway: ALB, logging: { kibana: { host: "kibana.acme.example.com", allowedSourceRanges: ["0.0.0.0/0"] } } }),
      [],
    );
    assert.deepEqual(problems({ ...PROD, gateway: { ...ALB, tls: { mode: "alb-discovery" } } }), []);
    assert.deepEqual(
      problems({ ...DEV, gateway: { tls: { mode: "secret", certificateSecret: "gatewayCert", keySecret: "gatewayKey" } } }, [
        "gatewayCert",
        "gatewayKey",
      ]),
      [],
    );
    assert.deepEqual(
      problems({ ...DEV, gateway: { enabled: false }, logging: { enabled: false, kibana: { host: "kibana.acme.example.com" } } }),
      [],
    );
  });
});

describe("the gateway's certificate names every routed host", () => {
  it("unites the listed hosts, Kibana, Grafana and the services' routes, once each", () => {
    const env = parse({
      ...PROD,
      gateway: { tls: { email: "ops@acme.example.com", hosts: ["status.acme.example.com", "www.acme.example.com"] } },
      logging: { kibana: { host: "kibana.acme.example.com" } },
      monitoring: { grafana: { host: "grafana.acme.example.com" } },
      services: [
        { name: "web", version: "1.0.0", resources: { cpu: "250m", memory: "512Mi" }, route: { host: "www.acme.example.com" } },
        {
          name: "api",
          version: "1.0.0",
          resources: { cpu: "250m", memory: "512Mi" },
          route: { host: "api.acme.example.com", path: "/api" },
        },
        { name: "worker", version: "1.0.0", resources: { cpu: "250m", memory: "512Mi" } },
      ],
    });
    assert.deepEqual(certificateHosts(env), [
      "api.acme.example.com",
      "grafana.acme.example.com",
      "kibana.acme.example.com",
      "status.acme.example.com",
      "www.acme.example.com",
    ]);
  });

  it("leaves out the UIs of add-ons turned off", () => {
    const env = parse({ ...PROD, logging: { enabled: false, kibana: { host: "kibana.acme.example.com" } } });
    assert.deepEqual(certificateHosts(env), ["api.acme.example.com"], "only the listed host");
  });
});
