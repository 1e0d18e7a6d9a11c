import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MicroserviceArgs, ServiceNetwork } from "../../../components/workload/args";
import { Microservice } from "../../../components/workload/microservice";
import { networkObjects, networkProblems } from "../../../components/workload/network";
import { render, testProvider } from "../../harness";
import { assertValidObjects } from "../../kubernetesSchemas";

const GATEWAY_PODS = { namespace: "gateway-system", podLabels: { "app.kubernetes.io/component": "proxy" } };
const PROMETHEUS_PODS = { namespace: "monitoring", podLabels: { "app.kubernetes.io/name": "prometheus" } };
const NETWORK: ServiceNetwork = {
  gateway: GATEWAY_PODS,
  prometheus: PROMETHEUS_PODS,
  calls: [{ service: "notifications", namespace: "apps", port: 8080 }],
  calledBy: [{ service: "storefront", namespace: "web" }],
  egress: [{ cidr: "10.30.0.0/16", ports: [3306] }],
};
const SHAPE = {
  name: "orders",
  namespace: "apps",
  gatewayPorts: [8080],
  metricsPort: 8080,
  ports: [8080],
  loadBalancerPorts: [],
  routed: true,
  monitored: true,
  labels: {},
  legacyEndpoints: [],
};
const pods = (service: string) => ({
  matchLabels: { "app.kubernetes.io/name": service },
  matchExpressions: [{ key: "track", operator: "In", values: ["stable", "canary"] }],
});
const inNamespace = (namespace: string) => ({ matchLabels: { "kubernetes.io/metadata.name": namespace } });

describe("a service's network policy", () => {
  it("admits exactly the gateway, Prometheus and its callers on its port, and reaches only what it declares", async () => {
    const [policy] = networkObjects(NETWORK, SHAPE);
    assert.equal(policy!.role, "network-policy");
    const spec = policy!.object["spec"];
    assert.deepEqual(spec.podSelector, pods("orders"));
    assert.deepEqual(spec.policyTypes, ["Ingress", "Egress"]);
    assert.deepEqual(spec.ingress, [
      {
        from: [{ namespaceSelector: inNamespace("gateway-system"), podSelector: { matchLabels: GATEWAY_PODS.podLabels } }],
        ports: [{ protocol: "TCP", port: 8080 }],
      },
      {
        from: [{ namespaceSelector: inNamespace("monitoring"), podSelector: { matchLabels: PROMETHEUS_PODS.podLabels } }],
        ports: [{ protocol: "TCP", port: 8080 }],
      },
      { from: [{ namespaceSelector: inNamespace("web"), podSelector: pods("storefront") }], ports: [{ protocol: "TCP", port: 8080 }] },
    ]);
    assert.deepEqual(spec.egress, [
      { to: [{ namespaceSelector: inNamespace("apps"), podSelector: pods("notifications") }], ports: [{ protocol: "TCP", port: 8080 }] },
      { to: [{ ipBlock: { cidr: "10.30.0.0/16" } }], ports: [{ protocol: "TCP", port: 3306 }] },
    ]);
    await assertValidObjects([policy!.object]);
  });

  it("admits nothing from the gateway when the service has no route, nor from Prometheus when it is not monitored", () => {
    const [policy] = networkObjects({}, { ...SHAPE, routed: false, monitored: false });
    assert.deepEqual(policy!.object["spec"].ingress, []);
    assert.deepEqual(policy!.object["spec"].egress, []);
  });

  it("lets the gateway's proxies reach the legacy VMs from the gateway's namespace", async () => {
    const objects = networkObjects(
      { gateway: GATEWAY_PODS },
      { ...SHAPE, legacyEndpoints: ["192.168.10.21:8080", "192.168.10.22:8080", "192.168.10.23:9090"] },
    );
    const legacy = objects.find((o) => o.role === "legacy-network-policy")!;
    assert.equal(legacy.object["metadata"].namespace, "gateway-system");
    assert.deepEqual(legacy.object["spec"], {
      podSelector: { matchLabels: GATEWAY_PODS.podLabels },
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ ipBlock: { cidr: "192.168.10.21/32" } }, { ipBlock: { cidr: "192.168.10.22/32" } }],
          ports: [{ protocol: "TCP", port: 8080 }],
        },
        { to: [{ ipBlock: { cidr: "192.168.10.23/32" } }], ports: [{ protocol: "TCP", port: 9090 }] },
      ],
    });
    // An ALB reaches the VMs itself, outside the cluster: no policy for it.
    assert.equal(networkObjects({ gateway: { cidrs: ["10.30.0.0/16"] } }, { ...SHAPE, legacyEndpoints: ["192.168.10.21:8080"] }).length, 1);
    await assertValidObjects(objects.map((o) => o.object));
  });

  it("admits the gateway on every port it reaches, callers on every port, and a load balancer's clients on its ports", () => {
    const [policy] = networkObjects(
      { gateway: GATEWAY_PODS, calledBy: [{ service: "storefront", namespace: "web" }] },
      { ...SHAPE, gatewayPorts: [8080, 9000], ports: [8080, 9000, 9100], loadBalancerPorts: [{ port: 9100, cidrs: ["10.0.0.0/8"] }] },
    );
    const tcp = (port: number) => ({ protocol: "TCP", port });
    assert.deepEqual(policy!.object["spec"].ingress, [
      {
        from: [{ namespaceSelector: inNamespace("gateway-system"), podSelector: { matchLabels: GATEWAY_PODS.podLabels } }],
        ports: [tcp(8080), tcp(9000)],
      },
      { from: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [tcp(9100)] },
      { from: [{ namespaceSelector: inNamespace("web"), podSelector: pods("storefront") }], ports: [tcp(8080), tcp(9000), tcp(9100)] },
    ]);
    const [caller] = networkObjects({ calls: [{ service: "push", namespace: "apps", ports: [9000, 8080] }] }, SHAPE);
    assert.deepEqual(caller!.object["spec"].egress, [
      { to: [{ namespaceSelector: inNamespace("apps"), podSelector: pods("push") }], ports: [tcp(9000), tcp(8080)] },
    ]);
  });

  it("lets the night scaler reach the API server only", () => {
    const objects = networkObjects({ gateway: GATEWAY_PODS }, { ...SHAPE, nightScaler: { "app.kubernetes.io/component": "night-scaler" } });
    const night = objects.find((o) => o.role === "night-scaler-network-policy")!;
    assert.deepEqual(night.object["spec"].egress, [
      {
        ports: [
          { protocol: "TCP", port: 443 },
          { protocol: "TCP", port: 6443 },
        ],
      },
    ]);
    assert.deepEqual(night.object["spec"].ingress, []);
  });

  it("refuses a declaration that leaves the gateway or Prometheus out, or names bad peers", () => {
    assert.deepEqual(networkProblems({}, { routed: true, monitored: true }), [
      {
        path: ["network", "gateway"],
        message: "is required with a route or a port exposed through the gateway: say where the gateway's requests come from",
      },
      { path: ["network", "prometheus"], message: "is required with monitoring: say where Prometheus scrapes from" },
    ]);
    assert.deepEqual(
      networkProblems(
        { calls: [{ service: "Notifications", namespace: "apps" }], egress: [{ cidr: "db.example.com", ports: [] }] },
        { routed: false, monitored: false },
      ),
      [
        { path: ["network", "calls", 0, "service"], message: "'Notifications' is not a service name" },
        {
          path: ["network", "calls", 0, "port"],
          message: "undefined is not a port between 1 and 65535 (the port 'Notifications' listens on)",
        },
        { path: ["network", "egress", 0, "cidr"], message: "'db.example.com' is not a CIDR block" },
        { path: ["network", "egress", 0, "ports"], message: "must list ports between 1 and 65535" },
      ],
    );
  });

  it("is declared by the Microservice with its other objects", async () => {
    const args: MicroserviceArgs = {
      namespace: "apps",
      image: "registry.example.com/acme/orders:1.4.2",
      version: "1.4.2",
      resources: { cpu: "250m", memory: "512Mi" },
      route: {
        host: "api.example.com",
        path: "/orders",
        attachment: { router: "gateway-api", gatewayName: "platform", gatewayNamespace: "gateway-system" },
      },
      network: { gateway: GATEWAY_PODS },
    };
    const out = await render(() => new Microservice("orders", args, { provider: testProvider() }));
    assert.equal(out.named("orders-network-policy").type, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    await assertValidObjects(out.objects());
    assert.throws(() => new Microservice("orders", { ...args, network: {} }), /network.gateway: is required with a route/);
  });
});
