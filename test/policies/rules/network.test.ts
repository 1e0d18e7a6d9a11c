import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Gateway } from "../../../components/platform/gateway";
import { Logging } from "../../../components/platform/logging";
import { Monitoring } from "../../../components/platform/monitoring";
import { WorkloadNamespace } from "../../../components/platform/workloadNamespace";
import type { MicroserviceArgs } from "../../../components/workload/args";
import { Microservice } from "../../../components/workload/microservice";
import {
  networkAllowancesNamed,
  networkDefaultDeny,
  networkPolicyAdmitsRoute,
  networkPolicySelectsPods,
  privilegedOnlyForNodeAgents,
} from "../../../policies/rules/network";
import { type PlannedResource, render, testProvider } from "../../harness";
import { changed, check, resource } from "../helpers";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const DAEMONSET = "kubernetes:apps/v1:DaemonSet";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const NAMESPACE = "kubernetes:core/v1:Namespace";

const workload = (type: string, name: string, namespace = "apps", labels: Record<string, string> = { app: name }) =>
  resource(type, {
    apiVersion: "apps/v1",
    kind: type.split(":").pop(),
    metadata: { name, namespace },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, image: "x:1" }] } } },
  });
const policy = (name: string, namespace: string, spec: Record<string, unknown>) =>
  resource(
    NETPOL,
    { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec },
    { name: `${namespace}-${name}` },
  );
const APPS = resource(NAMESPACE, { apiVersion: "v1", kind: "Namespace", metadata: { name: "apps" } });
const DENY = policy("default-deny", "apps", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
const ORDERS = policy("orders", "apps", {
  podSelector: { matchLabels: { app: "orders" } },
  policyTypes: ["Ingress"],
  ingress: [{ ports: [{ port: 8080 }] }],
});

describe("network-default-deny", () => {
  it("passes a namespace with a default deny", () =>
    assert.deepEqual(check(networkDefaultDeny, [workload(DEPLOYMENT, "orders"), DENY]), []));

  it("refuses a namespace with pods and no default deny, or one that still allows something", () => {
    assert.deepEqual(check(networkDefaultDeny, [APPS, workload(DEPLOYMENT, "orders")]), [
      "namespace 'apps' runs pods (Deployment 'apps/orders') but has no default-deny NetworkPolicy; add one with podSelector: {} and policyTypes [Ingress, Egress] and no rules, then allow what each pod needs",
    ]);
    const ingressOnly = changed(DENY, (d) => (d.inputs.spec.policyTypes = ["Ingress"]));
    assert.equal(check(networkDefaultDeny, [APPS, workload(DEPLOYMENT, "orders"), ingressOnly]).length, 1);
  });

  it("counts the pods of Helm releases and of operators' custom resources", () => {
    const release = resource("kubernetes:helm.sh/v3:Release", { name: "fluent-bit", namespace: "log-collector", chart: "fluent-bit" });
    const ns = resource(NAMESPACE, { apiVersion: "v1", kind: "Namespace", metadata: { name: "log-collector" } });
    assert.match(
      check(networkDefaultDeny, [ns, release])[0]!,
      /namespace 'log-collector' runs pods \(pods of Helm release 'log-collector\/fluent-bit' \(fluent-bit\)\)/,
    );
  });
});

describe("network-policy-selects-pods", () => {
  it("passes a pod that a policy of its own selects", () =>
    assert.deepEqual(check(networkPolicySelectsPods, [workload(DEPLOYMENT, "orders"), DENY, ORDERS]), []));

  it("leaves namespaces without a default deny to network-default-deny", () =>
    assert.deepEqual(check(networkPolicySelectsPods, [workload(DEPLOYMENT, "cart")]), []));

  it("refuses a pod that only the default deny selects", () => {
    assert.deepEqual(check(networkPolicySelectsPods, [workload(DEPLOYMENT, "cart"), DENY, ORDERS]), [
      "Deployment 'apps/cart' (labels {app: cart}) is selected by no NetworkPolicy of its own in namespace 'apps'; add one that selects these labels and allows the traffic they need (DNS alone is not enough to serve or call anything)",
    ]);
  });

  it("knows the pods of the charts the platform installs", () => {
    const stack = resource("kubernetes:helm.sh/v3:Release", {
      name: "kube-prometheus-stack",
      namespace: "monitoring",
      chart: "kube-prometheus-stack",
    });
    const found = check(networkPolicySelectsPods, [
      stack,
      policy("default-deny", "monitoring", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    ]);
    assert.ok(
      found.some((m) =>
        m.includes("(grafana) (labels {app.kubernetes.io/name: grafana, app.kubernetes.io/instance: kube-prometheus-stack})"),
      ),
    );
    assert.ok(!found.some((m) => m.includes("(node-exporter)")), "host-network pods are not governed by policies");
  });
});

describe("privileged-only-for-node-agents", () => {
  const ns = (name: string, level: string) =>
    resource(NAMESPACE, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, labels: { "pod-security.kubernetes.io/enforce": level } },
    });

  it("passes node agents alone in a privileged namespace", () =>
    assert.deepEqual(
      check(privilegedOnlyForNodeAgents, [ns("log-collector", "privileged"), workload(DAEMONSET, "agent", "log-collector")]),
      [],
    ));

  it("refuses application or stateful pods in a privileged namespace", () => {
    const es = resource("kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch", {
      metadata: { name: "logs", namespace: "logging" },
      spec: {},
    });
    assert.deepEqual(check(privilegedOnlyForNodeAgents, [ns("logging", "privileged"), es, workload(DAEMONSET, "agent", "logging")]), [
      "namespace 'logging' enforces the privileged Pod Security level, and pods of Elasticsearch 'logging/logs' runs in it though it is no node agent; move the node agents to a namespace of their own and enforce baseline or restricted here",
    ]);
    assert.equal(check(privilegedOnlyForNodeAgents, [ns("apps", "privileged"), workload(DEPLOYMENT, "orders")]).length, 1);
  });
});

describe("the add-ons' own namespaces pass the network rules", () => {
  it("closes every add-on namespace and gives every add-on pod a policy of its own", async () => {
    const gatewayThrough = {
      controller: "envoy-gateway" as const,
      name: "platform",
      namespace: "gateway-system",
      listener: "https",
      https: true,
      ready: [],
    };
    const out = await render(() => {
      const provider = testProvider();
      new Gateway(
        "gateway",
        {
          addressType: "internet",
          replicas: 2,
          monitoringNamespace: "monitoring",
          tls: { mode: "cert-manager", email: "o@example.com", hosts: ["www.example.com"] },
        },
        { provider },
      );
      new Logging(
        "logging",
        {
          elasticsearch: { nodes: 3 },
          kibana: { host: "kibana.example.com", replicas: 2 },
          gateway: gatewayThrough,
          zones: ["a-1a", "a-1b"],
        },
        { provider },
      );
      new Monitoring(
        "monitoring",
        { grafana: { host: "grafana.example.com", replicas: 2 }, gateway: gatewayThrough, zones: ["a-1a", "a-1b"] },
        { provider },
      );
    });
    for (const rule of [networkDefaultDeny, networkPolicySelectsPods, privilegedOnlyForNodeAgents])
      assert.deepEqual(check(rule, out.resources as never), [], rule.name);
  });
});

// ---- Judged on what the workload layer renders: a namespace with its guard rails and a routed service ----

const ROUTED: MicroserviceArgs = {
  namespace: "apps",
  image: "registry.example.com/acme/orders:4.2.0",
  version: "4.2.0",
  resources: { cpu: "250m", memory: "512Mi" },
  route: {
    host: "api.example.com",
    path: "/orders",
    attachment: { router: "gateway-api", gatewayName: "platform", gatewayNamespace: "gateway-system" },
  },
  monitoring: {},
  network: {
    gateway: { namespace: "gateway-system", podLabels: { "app.kubernetes.io/component": "proxy" } },
    prometheus: { namespace: "monitoring", podLabels: { "app.kubernetes.io/name": "prometheus" } },
    egress: [{ cidr: "0.0.0.0/0", ports: [443] }],
  },
};

/** A namespace with its guard rails and one service in it, as the plan records them. */
async function routedStack(args: MicroserviceArgs = ROUTED): Promise<PlannedResource[]> {
  const out = await render(() => {
    const provider = testProvider();
    new WorkloadNamespace("workloads", { name: "apps" }, { provider });
    new Microservice("orders", args, { provider });
  });
  return [...out.resources];
}

function editInputs(resources: readonly PlannedResource[], name: string, change: (inputs: any) => void): PlannedResource[] {
  return resources.map((r) => {
    if (r.name !== name) return r;
    const copy = structuredClone(r) as any;
    change(copy.inputs);
    return copy;
  });
}

describe("network-allowances-named", () => {
  const allowance = (spec: Record<string, unknown>) => policy("p", "apps", spec);
  it("passes the policies the workload layer renders, and sources or destinations bounded by ports", async () => {
    assert.deepEqual(check(networkAllowancesNamed, await routedStack()), []);
    assert.deepEqual(
      check(
        networkAllowancesNamed,
        allowance({ podSelector: {}, ingress: [{ ports: [{ port: 10443 }] }], egress: [{ to: [{ namespaceSelector: {} }] }] }),
      ),
      [],
      "a public gateway's port, and every pod of the cluster (not every address)",
    );
  });
  it("names an ingress rule that admits every source on every port", () => {
    assert.deepEqual(check(networkAllowancesNamed, allowance({ podSelector: {}, ingress: [{}] })), [
      "spec.ingress[0] admits every source on every port; name the pods or networks it admits, or at least the ports",
    ]);
    assert.deepEqual(check(networkAllowancesNamed, allowance({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] })), [
      "spec.ingress[0] admits every source on every port; name the pods or networks it admits, or at least the ports",
    ]);
  });
  it("names an egress rule to every address on every port", () => {
    assert.deepEqual(
      check(networkAllowancesNamed, allowance({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] })),
      ["spec.egress[0] reaches every address on every port; name the destinations, or at least the ports"],
    );
  });
});

describe("network-policy-admits-route", () => {
  it("passes a routed service whose policy admits the gateway on its port", async () => {
    assert.deepEqual(check(networkPolicyAdmitsRoute, await routedStack()), []);
  });
  it("names routed pods that a policy closes to everyone", async () => {
    const closed = editInputs(await routedStack(), "orders-network-policy", (o) => (o.spec.ingress = []));
    assert.deepEqual(check(networkPolicyAdmitsRoute, closed), [
      "HTTPRoute 'apps/orders' sends requests to Deployment 'apps/orders', but the NetworkPolicies selecting its pods (NetworkPolicy 'apps/default-deny', NetworkPolicy 'apps/orders') admit nothing on its port; admit the gateway's pods on port 8080",
    ]);
  });
});
