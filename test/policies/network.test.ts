import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WorkloadNamespace } from "../../components/platform/workloadNamespace";
import type { MicroserviceArgs } from "../../components/workload/args";
import { Microservice } from "../../components/workload/microservice";
import { namespaceDefaultDeny, networkAllowancesNamed, networkPolicyAdmitsRoute } from "../../policies/rules";
import { type PlannedResource, render, testProvider } from "../harness";
import { check, resource } from "./helpers";

const ORDERS: MicroserviceArgs = {
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
async function stack(args: MicroserviceArgs = ORDERS): Promise<PlannedResource[]> {
  const out = await render(() => {
    const provider = testProvider();
    new WorkloadNamespace("workloads", { name: "apps" }, { provider });
    new Microservice("orders", args, { provider });
  });
  return [...out.resources];
}

function edit(resources: readonly PlannedResource[], name: string, change: (inputs: any) => void): PlannedResource[] {
  return resources.map((r) => {
    if (r.name !== name) return r;
    const copy = structuredClone(r) as any;
    change(copy.inputs);
    return copy;
  });
}

describe("namespace-default-deny", () => {
  it("passes a namespace whose pods are denied everything by default", async () => {
    assert.deepEqual(check(namespaceDefaultDeny, await stack()), []);
  });
  it("names a namespace that serves without a default deny", async () => {
    const open = (await stack()).filter((r) => r.name !== "workloads-default-deny");
    assert.deepEqual(check(namespaceDefaultDeny, open), [
      "namespace 'apps' runs 1 workload(s) (Deployment 'apps/orders' ...) but has no default-deny NetworkPolicy; add one selecting every pod (podSelector: {}) with policyTypes [Ingress, Egress] and no rules, then allow each service's peers",
    ]);
  });
  it("names a 'default deny' that allows something", async () => {
    const leaky = edit(await stack(), "workloads-default-deny", (o) => (o.spec.ingress = [{ from: [{ podSelector: {} }] }]));
    assert.equal(check(namespaceDefaultDeny, leaky).length, 1);
  });
  it("applies to prod only", async () => {
    const open = (await stack()).filter((r) => r.name !== "workloads-default-deny");
    assert.deepEqual(check(namespaceDefaultDeny, open, { environment: "staging" }), []);
  });
});

describe("network-allowances-named", () => {
  const policy = (spec: Record<string, unknown>) =>
    resource("kubernetes:networking.k8s.io/v1:NetworkPolicy", {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "p", namespace: "apps" },
      spec,
    });
  it("passes the policies the platform renders: peers named, egress bounded by destination or port", async () => {
    assert.deepEqual(check(networkAllowancesNamed, await stack()), []);
  });
  it("names an ingress rule without peers, or open to every namespace", () => {
    assert.deepEqual(check(networkAllowancesNamed, policy({ podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] })), [
      "spec.ingress[0] has no 'from', so it admits every source; name the pods or networks it admits",
    ]);
    assert.deepEqual(check(networkAllowancesNamed, policy({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] })), [
      "spec.ingress[0] admits every source (an empty selector or 0.0.0.0/0); name the pods or networks it admits",
    ]);
  });
  it("names an egress rule to everything on every port", () => {
    assert.deepEqual(check(networkAllowancesNamed, policy({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] })), [
      "spec.egress[0] reaches every destination on every port; name the destinations, or at least the ports",
    ]);
  });
});

describe("network-policy-admits-route", () => {
  it("passes a routed service whose policy admits the gateway on its port", async () => {
    assert.deepEqual(check(networkPolicyAdmitsRoute, await stack()), []);
  });
  it("names routed pods that a policy closes to everyone", async () => {
    const closed = edit(await stack(), "orders-network-policy", (o) => (o.spec.ingress = []));
    assert.deepEqual(check(networkPolicyAdmitsRoute, closed), [
      "HTTPRoute 'apps/orders' sends requests to Deployment 'apps/orders', but the NetworkPolicies selecting its pods (NetworkPolicy 'apps/default-deny', NetworkPolicy 'apps/orders') admit nothing on its port; admit the gateway's pods on port 8080",
    ]);
  });
});
