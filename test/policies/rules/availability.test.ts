import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  hpaBounds,
  hpaTargetExists,
  noNodePortInProd,
  pdbSelectsPods,
  prodDisruptionBudget,
  prodMinReplicas,
  prodZoneSpread,
  serviceSelectsPods,
  tcpRouteAttached,
  zoneSpreadHonorsTaints,
} from "../../../policies/rules";
import { changed, check, deployment, deploymentObject, hpa, pdb, podLabels, resource, service, statefulSet, violations } from "../helpers";

const canary = () =>
  resource(
    "kubernetes:apps/v1:Deployment",
    changed(deploymentObject("orders-canary", podLabels("orders", "canary")), (d) => {
      d.spec.replicas = 1;
      delete d.spec.template.spec.topologySpreadConstraints;
    }),
    { name: "orders-canary" },
  );

describe("prod-min-replicas", () => {
  it("passes 2 or more replicas, an autoscaled workload, and a canary of 1", () => {
    const autoscaled = deployment((d) => delete d.spec.replicas);
    assert.deepEqual(check(prodMinReplicas, [autoscaled, hpa(), canary()]), []);
  });
  it("names a workload of 1 replica in prod, with its URN", () => {
    const single = deployment((d) => (d.spec.replicas = 1));
    assert.deepEqual(violations(prodMinReplicas, single), [
      {
        policy: "prod-min-replicas",
        level: "mandatory",
        urn: single.urn,
        message:
          "Deployment 'apps/orders' runs 1 replica in prod; set spec.replicas (or an autoscaler's minReplicas) to at least 2, so a node drain or a crash leaves one serving",
      },
    ]);
  });
  it("counts a workload without replicas and without an autoscaler as 1", () => {
    assert.deepEqual(
      check(
        prodMinReplicas,
        statefulSet((s) => delete s.spec.replicas),
      ),
      [
        "StatefulSet 'apps/db' runs 1 replica in prod; set spec.replicas (or an autoscaler's minReplicas) to at least 2, so a node drain or a crash leaves one serving",
      ],
    );
  });
  it("applies to prod only", () => {
    assert.deepEqual(
      check(
        prodMinReplicas,
        deployment((d) => (d.spec.replicas = 1)),
        { environment: "staging" },
      ),
      [],
    );
  });
});

describe("prod-disruption-budget", () => {
  it("passes a workload a budget selects, and a canary without one", () => {
    assert.deepEqual(check(prodDisruptionBudget, [deployment(), pdb(), canary()]), []);
  });
  it("names a workload without a budget", () => {
    assert.deepEqual(check(prodDisruptionBudget, [deployment(), pdb(undefined, podLabels("other"))]), [
      "Deployment 'apps/orders' has no PodDisruptionBudget in prod; add one that selects its pods with maxUnavailable: 1, so node upgrades evict them one at a time",
    ]);
  });
  it("names a budget that lets no pod go", () => {
    const strict = pdb((p) => {
      delete p.spec.maxUnavailable;
      p.spec.minAvailable = 3;
    });
    assert.deepEqual(check(prodDisruptionBudget, [deployment(), strict]), [
      "PodDisruptionBudget 'apps/orders-stable' lets no pod of Deployment 'apps/orders' be evicted (minAvailable 3 of 3 replicas); node drains and upgrades will stall: use maxUnavailable: 1",
    ]);
    assert.deepEqual(check(prodDisruptionBudget, [deployment(), pdb((p) => (p.spec.maxUnavailable = 0))]), [
      "PodDisruptionBudget 'apps/orders-stable' lets no pod of Deployment 'apps/orders' be evicted (maxUnavailable: 0); node drains and upgrades will stall: use maxUnavailable: 1",
    ]);
  });
  it("applies to prod only", () => {
    assert.deepEqual(check(prodDisruptionBudget, deployment(), { environment: "dev" }), []);
  });
});

describe("prod-zone-spread", () => {
  it("passes a zone spread constraint, or pod anti-affinity", () => {
    const antiAffinity = deployment((d) => {
      delete d.spec.template.spec.topologySpreadConstraints;
      d.spec.template.spec.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } };
    });
    assert.deepEqual(check(prodZoneSpread, [deployment(), antiAffinity, canary()]), []);
  });
  it("names pods spread over hosts only", () => {
    const hosts = deployment((d) => (d.spec.template.spec.topologySpreadConstraints[0].topologyKey = "kubernetes.io/hostname"));
    assert.deepEqual(check(prodZoneSpread, hosts), [
      "its pods are not spread over zones; add a topologySpreadConstraint with topologyKey 'topology.kubernetes.io/zone' (or a podAntiAffinity), so one zone's outage does not take every replica",
    ]);
  });
  it("applies to prod only", () => {
    assert.deepEqual(
      check(
        prodZoneSpread,
        deployment((d) => delete d.spec.template.spec.topologySpreadConstraints),
        { environment: "dev" },
      ),
      [],
    );
  });
});

describe("hpa-bounds", () => {
  it("passes min 2 ≤ max in prod, and min 1 elsewhere", () => {
    assert.deepEqual(check(hpaBounds, hpa()), []);
    assert.deepEqual(
      check(
        hpaBounds,
        hpa((h) => delete h.spec.minReplicas),
        { environment: "dev" },
      ),
      [],
    );
  });
  it("names a minimum above the maximum", () => {
    assert.deepEqual(
      check(
        hpaBounds,
        hpa((h) => (h.spec.minReplicas = 8)),
      ),
      ["minReplicas 8 is greater than maxReplicas 6; set minReplicas at most maxReplicas"],
    );
  });
  it("names a minimum of 1 in prod (unset counts as 1)", () => {
    assert.deepEqual(
      check(
        hpaBounds,
        hpa((h) => delete h.spec.minReplicas),
      ),
      ["minReplicas is 1 in prod; set it to at least 2, so a node drain or a crash leaves one pod serving"],
    );
  });
  it("lets a canary's autoscaler go down to 1 in prod", () => {
    assert.deepEqual(
      check(
        hpaBounds,
        hpa((h) => ((h.spec.minReplicas = 1), (h.metadata.labels = { track: "canary" }))),
      ),
      [],
    );
  });
  it("names a minimum of 0", () => {
    assert.deepEqual(
      check(
        hpaBounds,
        hpa((h) => (h.spec.minReplicas = 0)),
        { environment: "dev" },
      ),
      ["minReplicas is 0; set it to at least 1 (scaling to zero needs a feature gate ACK does not enable)"],
    );
  });
  it("names a missing maximum", () => {
    assert.deepEqual(
      check(
        hpaBounds,
        hpa((h) => delete h.spec.maxReplicas),
      ),
      ["it has no maxReplicas; set spec.maxReplicas to the most pods the service may run"],
    );
  });
});

describe("hpa-target-exists", () => {
  it("passes an autoscaler whose Deployment is declared", () => {
    assert.deepEqual(check(hpaTargetExists, [deployment(), hpa()]), []);
  });
  it("names an autoscaler whose target is missing", () => {
    assert.deepEqual(check(hpaTargetExists, [deployment(), hpa(undefined, "order")]), [
      "HorizontalPodAutoscaler 'apps/order' scales Deployment 'order', which is not declared in namespace 'apps'; point spec.scaleTargetRef at the workload's kind and metadata.name",
    ]);
  });
  it("does not judge namespaces where a Helm release runs pods it cannot see", () => {
    const release = resource("kubernetes:helm.sh/v3:Release", { chart: "grafana", namespace: "apps", values: {} });
    assert.deepEqual(check(hpaTargetExists, [hpa(undefined, "grafana"), release]), []);
  });
});

describe("service-selects-pods", () => {
  const slice = (endpoints: unknown[]) =>
    resource("kubernetes:discovery.k8s.io/v1:EndpointSlice", {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "legacy-vm", namespace: "apps", labels: { "kubernetes.io/service-name": "legacy" } },
      addressType: "IPv4",
      endpoints,
      ports: [{ port: 8080 }],
    });
  it("passes a Service that selects pods, and a legacy Service with an EndpointSlice", () => {
    const legacy = service(undefined, "legacy", null);
    assert.deepEqual(check(serviceSelectsPods, [deployment(), service(), legacy, slice([{ addresses: ["10.0.1.15"] }])]), []);
  });
  it("names a selector no pods carry", () => {
    assert.deepEqual(check(serviceSelectsPods, [deployment(), service(undefined, "orders", podLabels("orders", "blue"))]), [
      "Service 'apps/orders' selects {app.kubernetes.io/name: orders, track: blue}, but no workload's pods in 'apps' carry those labels; fix the selector or the pods' labels",
    ]);
  });
  it("names a Service without a selector or an EndpointSlice", () => {
    assert.deepEqual(check(serviceSelectsPods, service(undefined, "legacy", null)), [
      "Service 'apps/legacy' has no selector and no EndpointSlice labelled 'kubernetes.io/service-name: legacy'; add an EndpointSlice with the backend's addresses, or a selector",
    ]);
  });
  it("names a legacy Service whose EndpointSlices are empty", () => {
    assert.deepEqual(check(serviceSelectsPods, [service(undefined, "legacy", null), slice([])]), [
      "Service 'apps/legacy' has no selector, and its EndpointSlices list no endpoints; add the backend's addresses",
    ]);
  });
  it("leaves ExternalName Services alone", () => {
    assert.deepEqual(
      check(
        serviceSelectsPods,
        service((s) => (s.spec = { type: "ExternalName", externalName: "db.example.com" }), "db", null),
      ),
      [],
    );
  });
});

describe("pdb-selects-pods", () => {
  it("passes a budget that selects a workload's pods", () => {
    assert.deepEqual(check(pdbSelectsPods, [deployment(), pdb()]), []);
  });
  it("names a budget that selects nothing", () => {
    assert.deepEqual(check(pdbSelectsPods, [deployment(), pdb(undefined, podLabels("order"))]), [
      "PodDisruptionBudget 'apps/order-stable' selects {app.kubernetes.io/name: order, track: stable}, which no workload's pods in 'apps' carry; fix spec.selector",
    ]);
  });
  it("reads matchExpressions", () => {
    const expression = pdb((p) => (p.spec.selector = { matchExpressions: [{ key: "track", operator: "In", values: ["canary"] }] }));
    assert.equal(check(pdbSelectsPods, [deployment(), expression]).length, 1);
    const stable = pdb((p) => (p.spec.selector = { matchExpressions: [{ key: "track", operator: "In", values: ["stable"] }] }));
    assert.deepEqual(check(pdbSelectsPods, [deployment(), stable]), []);
  });
});

describe("no-node-port-in-prod", () => {
  it("passes ClusterIP and LoadBalancer Services, and NodePort outside prod", () => {
    assert.deepEqual(check(noNodePortInProd, [service(), service((s) => (s.spec.type = "LoadBalancer"))]), []);
    assert.deepEqual(
      check(
        noNodePortInProd,
        service((s) => (s.spec.type = "NodePort")),
        { environment: "dev" },
      ),
      [],
    );
  });
  it("names a NodePort Service in prod", () => {
    assert.deepEqual(
      check(
        noNodePortInProd,
        service((s) => (s.spec.type = "NodePort")),
      ),
      ["it is of type NodePort in prod; use ClusterIP and route to it through the gateway (or a LoadBalancer Service)"],
    );
  });
});

describe("zone-spread-honors-taints", () => {
  it("passes a hard zone spread that honours taints, and a soft one", () => {
    const soft = deployment((d) => {
      const c = d.spec.template.spec.topologySpreadConstraints[0];
      c.whenUnsatisfiable = "ScheduleAnyway";
      delete c.nodeTaintsPolicy;
    });
    assert.deepEqual(check(zoneSpreadHonorsTaints, [deployment(), soft, statefulSet()]), []);
  });
  it("names a hard zone spread that counts tainted nodes", () => {
    assert.deepEqual(
      check(
        zoneSpreadHonorsTaints,
        deployment((d) => delete d.spec.template.spec.topologySpreadConstraints[0].nodeTaintsPolicy),
      ),
      [
        "topologySpreadConstraints[0] spreads over zones with DoNotSchedule but counts tainted nodes (nodeTaintsPolicy Ignore, the default); set nodeTaintsPolicy: Honor, so a zone whose nodes are NotReady stops holding the others back (kubernetes/kubernetes#116978)",
      ],
    );
  });
});

describe("tcp-route-attached", () => {
  const gateway = (listeners: Array<Record<string, unknown>>) =>
    resource("kubernetes:gateway.networking.k8s.io/v1:Gateway", {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "platform", namespace: "gateway-system" },
      spec: { gatewayClassName: "platform", listeners },
    });
  const route = (parentRef: Record<string, unknown>) =>
    resource("kubernetes:gateway.networking.k8s.io/v1:TCPRoute", {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "TCPRoute",
      metadata: { name: "push-gateway-push", namespace: "apps" },
      spec: {
        parentRefs: [{ name: "platform", namespace: "gateway-system", ...parentRef }],
        rules: [{ backendRefs: [{ name: "push-gateway", port: 9000 }] }],
      },
    });
  const http = { name: "http", protocol: "HTTP", port: 80 };
  const tcp = {
    name: "tcp-9000",
    protocol: "TCP",
    port: 9000,
    allowedRoutes: { kinds: [{ kind: "TCPRoute" }], namespaces: { from: "All" } },
  };

  it("passes a route on a TCP listener, and a route to a Gateway of another stack", () => {
    assert.deepEqual(check(tcpRouteAttached, [gateway([http, tcp]), route({ sectionName: "tcp-9000" })]), []);
    assert.deepEqual(check(tcpRouteAttached, [route({ name: "elsewhere", sectionName: "tcp-9000" })]), []);
  });

  it("names a route on a listener that is missing, or that speaks HTTP, or a Gateway with no TCP listener", () => {
    assert.deepEqual(check(tcpRouteAttached, [gateway([http, tcp]), route({ sectionName: "tcp-9100" })]), [
      "TCPRoute 'apps/push-gateway-push' attaches to listener 'tcp-9100', which Gateway 'gateway-system/platform' does not have; its TCP listeners: 'tcp-9000' (port 9000)",
    ]);
    assert.deepEqual(check(tcpRouteAttached, [gateway([http, tcp]), route({ sectionName: "http" })]), [
      "TCPRoute 'apps/push-gateway-push' attaches to listener 'http' of Gateway 'gateway-system/platform', which speaks HTTP; a TCPRoute needs a TCP listener of its own port (its TCP listeners: 'tcp-9000' (port 9000))",
    ]);
    assert.deepEqual(check(tcpRouteAttached, [gateway([http]), route({})]), [
      "TCPRoute 'apps/push-gateway-push' attaches to Gateway 'gateway-system/platform', which has no TCP listener; add a listener with protocol TCP on the route's port",
    ]);
  });
});
