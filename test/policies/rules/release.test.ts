import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { MicroserviceArgs } from "../../../components/workload/args";
import { Microservice } from "../../../components/workload/microservice";
import {
  canaryCapacity,
  canaryHasStable,
  canaryRouteForm,
  headerRouteUnguessable,
  legacyBackendHealthChecked,
  oneCanaryPerRoute,
  releaseFastAlarms,
  routeWaitsForCapacity,
  routeWeightsInRange,
} from "../../../policies/rules";
import { type PlannedResource, render, testProvider } from "../../harness";
import { canaryStack, check, deploymentObject, httpRoute, ingress, podLabels, resource, service } from "../helpers";

const CANARY = "alb.ingress.kubernetes.io/canary";
const WEIGHT = "alb.ingress.kubernetes.io/canary-weight";
const HEADER = "alb.ingress.kubernetes.io/canary-by-header";
const HEADER_VALUE = "alb.ingress.kubernetes.io/canary-by-header-value";
const ORDER = "alb.ingress.kubernetes.io/order";

/** The weighted rule of the route fixture. */
const weighted = (r: any) => r.spec.rules[1];

describe("route-weights-in-range", () => {
  it("passes whole weights and an ALB canary weight of 0 to 100", () => {
    assert.deepEqual(
      check(routeWeightsInRange, [httpRoute(), ingress("orders"), ingress("orders-canary", { [CANARY]: "true", [WEIGHT]: "100" })]),
      [],
    );
  });
  it("names a weight that is not a whole number", () => {
    assert.deepEqual(
      check(
        routeWeightsInRange,
        httpRoute((r) => (weighted(r).backendRefs[1].weight = 12.5)),
      ),
      [
        "spec.rules[1].backendRefs[1] ('orders-canary') has weight 12.5; use a whole number from 0 to 1000000 (weights are shares of the rule's traffic)",
      ],
    );
  });
  it("names a negative weight", () => {
    assert.deepEqual(
      check(
        routeWeightsInRange,
        httpRoute((r) => (weighted(r).backendRefs[0].weight = -1)),
      ),
      [
        "spec.rules[1].backendRefs[0] ('orders') has weight -1; use a whole number from 0 to 1000000 (weights are shares of the rule's traffic)",
      ],
    );
  });
  it("names a rule whose backends all weigh 0", () => {
    assert.deepEqual(
      check(
        routeWeightsInRange,
        httpRoute((r) => weighted(r).backendRefs.forEach((b: any) => (b.weight = 0))),
      ),
      ["spec.rules[1] gives every backend weight 0, so the requests it matches fail; give the stable backend a positive weight"],
    );
  });
  it("names an ALB canary weight out of range", () => {
    assert.deepEqual(check(routeWeightsInRange, ingress("orders-canary", { [CANARY]: "true", [WEIGHT]: "150" })), [
      "annotation alb.ingress.kubernetes.io/canary-weight is '150'; use a whole number from 0 to 100 (the canary's percentage of the traffic)",
    ]);
  });
});

describe("canary-route-form", () => {
  it("passes a header route and ALB canaries by weight and by header, in order", () => {
    const byHeader = ingress("orders-canary-header", { [CANARY]: "true", [HEADER]: "x-canary", [HEADER_VALUE]: "always", [ORDER]: "10" });
    const byWeight = ingress("orders-canary", { [CANARY]: "true", [WEIGHT]: "10", [ORDER]: "20" });
    assert.deepEqual(check(canaryRouteForm, [httpRoute(), ingress("orders", { [ORDER]: "30" }), byWeight, byHeader]), []);
  });
  it("names a header rule and a weight on one Ingress", () => {
    assert.deepEqual(check(canaryRouteForm, ingress("orders-canary", { [CANARY]: "true", [WEIGHT]: "10", [HEADER]: "x-canary" })), [
      "it combines alb.ingress.kubernetes.io/canary-weight with alb.ingress.kubernetes.io/canary-by-header on one Ingress, which ALB refuses; put the header rule on a second canary Ingress",
    ]);
  });
  it("names an evaluation order out of ALB's range", () => {
    assert.deepEqual(check(canaryRouteForm, ingress("orders", { [ORDER]: "0" })), [
      "annotation alb.ingress.kubernetes.io/order is '0'; use a whole number from 1 to 1000 (lower is evaluated first)",
    ]);
  });
  it("names canary annotations without the canary switch", () => {
    assert.deepEqual(check(canaryRouteForm, ingress("orders-canary", { [WEIGHT]: "10", [HEADER]: "x-canary" })), [
      "it has canary annotations (canary-weight, canary-by-header) without alb.ingress.kubernetes.io/canary: 'true', so ALB ignores them; add that annotation, or remove them",
    ]);
  });
  it("names a canary switch that is not 'true' or 'false'", () => {
    assert.deepEqual(check(canaryRouteForm, ingress("orders-canary", { [CANARY]: "yes", [WEIGHT]: "10" })), [
      "annotation alb.ingress.kubernetes.io/canary is 'yes'; write 'true' or 'false'",
    ]);
  });
  it("names a canary with no way to receive traffic", () => {
    assert.deepEqual(check(canaryRouteForm, ingress("orders-canary", { [CANARY]: "true" })), [
      "it is an ALB canary without alb.ingress.kubernetes.io/canary-weight, alb.ingress.kubernetes.io/canary-by-header or alb.ingress.kubernetes.io/canary-by-cookie, so it receives no traffic; set one of them",
    ]);
  });
  it("names a header value without a header", () => {
    assert.deepEqual(check(canaryRouteForm, ingress("orders-canary", { [CANARY]: "true", [WEIGHT]: "5", [HEADER_VALUE]: "always" })), [
      "annotation alb.ingress.kubernetes.io/canary-by-header-value is set without alb.ingress.kubernetes.io/canary-by-header; name the header it applies to",
    ]);
  });
  it("names a canary header that is not a header name", () => {
    assert.deepEqual(check(canaryRouteForm, ingress("orders-canary", { [CANARY]: "true", [HEADER]: "x canary" })), [
      "annotation alb.ingress.kubernetes.io/canary-by-header is 'x canary'; use an HTTP header name such as 'x-canary'",
    ]);
  });
  const header = (r: any) => r.spec.rules[0].matches[0].headers;
  it("names a header match of a type Gateway API does not have", () => {
    assert.deepEqual(
      check(
        canaryRouteForm,
        httpRoute((r) => (header(r)[0].type = "Prefix")),
      ),
      ["spec.rules[0].matches[0].headers[0] has type 'Prefix'; header matches are 'Exact' or 'RegularExpression'"],
    );
  });
  it("names a header match without a value", () => {
    assert.deepEqual(
      check(
        canaryRouteForm,
        httpRoute((r) => delete header(r)[0].value),
      ),
      ["spec.rules[0].matches[0].headers[0] matches header 'x-canary' against no value; give the value testers send, e.g. 'always'"],
    );
  });
  it("names a header name that is not one", () => {
    assert.deepEqual(
      check(
        canaryRouteForm,
        httpRoute((r) => (header(r)[0].name = "x canary")),
      ),
      [`spec.rules[0].matches[0].headers[0] has name "x canary"; use an HTTP header name such as 'x-canary'`],
    );
  });
  it("names the same header matched twice in one match", () => {
    assert.deepEqual(
      check(
        canaryRouteForm,
        httpRoute((r) => header(r).push({ name: "X-Canary", value: "never" })),
      ),
      [
        "spec.rules[0].matches[0].headers[1] matches header 'X-Canary' a second time in the same match, and only the first counts; keep one",
      ],
    );
  });
  it("names a regular expression that does not compile", () => {
    assert.deepEqual(
      check(
        canaryRouteForm,
        httpRoute((r) => Object.assign(header(r)[0], { type: "RegularExpression", value: "(always" })),
      ),
      ["spec.rules[0].matches[0].headers[0] matches header 'x-canary' against '(always', which is not a regular expression"],
    );
  });
});

describe("canary-has-stable", () => {
  it("passes a canary beside its stable track, routed with it", () => {
    assert.deepEqual(check(canaryHasStable, canaryStack()), []);
  });
  it("names a canary workload without a stable track", () => {
    const stack = canaryStack().filter((r) => r.name !== "orders" || r.type !== "kubernetes:apps/v1:Deployment");
    assert.deepEqual(check(canaryHasStable, stack), [
      "Deployment 'apps/orders-canary' is a canary of 'orders', but no stable track runs beside it (pods with app.kubernetes.io/name: orders and track: stable in 'apps'); declare the stable track, or promote the canary to stable",
    ]);
  });
  it("names a canary without the service's name label", () => {
    const unnamed = resource("kubernetes:apps/v1:Deployment", deploymentObject("mystery", { track: "canary" }), { name: "mystery" });
    assert.deepEqual(check(canaryHasStable, unnamed), [
      "Deployment 'apps/mystery' is a canary (track: canary) without an app.kubernetes.io/name label, so its stable track cannot be found; label its pods with the service's name",
    ]);
  });
  it("names a route to a canary without the stable backend", () => {
    const onlyCanary = httpRoute((r) => (r.spec.rules[1].backendRefs = [{ name: "orders-canary", port: 80 }]));
    const stack = [...canaryStack().filter((r) => !r.type.endsWith(":HTTPRoute")), onlyCanary];
    assert.deepEqual(check(canaryHasStable, stack), [
      "HTTPRoute 'apps/orders' routes to canary Service 'orders-canary' but to no stable Service of 'orders'; add the stable backend to the route",
    ]);
  });
  it("names an ALB canary Ingress without its primary", () => {
    const canary = ingress("orders-canary", { [CANARY]: "true", [WEIGHT]: "10" });
    assert.deepEqual(check(canaryHasStable, [ingress("orders"), canary]), []);
    assert.deepEqual(check(canaryHasStable, canary), [
      "Ingress 'apps/orders-canary' is an ALB canary for shop.example.com/orders, but no primary Ingress in 'apps' serves that host and path; ALB splits traffic only from a primary Ingress",
    ]);
  });
});

describe("one-canary-per-route", () => {
  it("passes one canary, referenced by two rules of a route", () => {
    assert.deepEqual(check(oneCanaryPerRoute, canaryStack()), []);
  });
  it("names a route to two canaries", () => {
    const secondLabels = podLabels("orders", "canary");
    const second = service((s) => (s.metadata.labels = secondLabels), "orders-canary-2", secondLabels);
    const route = httpRoute((r) => r.spec.rules[1].backendRefs.push({ name: "orders-canary-2", port: 80, weight: 5 }));
    const stack = [...canaryStack().filter((r) => !r.type.endsWith(":HTTPRoute")), second, route];
    assert.deepEqual(check(oneCanaryPerRoute, stack), [
      "HTTPRoute 'apps/orders' routes to 2 canaries (orders-canary, orders-canary-2); keep one canary per route",
    ]);
  });
  it("passes a header canary and a weighted canary of the same Service, on two Ingresses as ALB needs", () => {
    const weighted = ingress("orders-canary", { [CANARY]: "true", [WEIGHT]: "10" });
    const header = ingress(
      "orders-canary-header",
      { [CANARY]: "true", [HEADER]: "x-canary" },
      (i) => (i.spec.rules[0].http.paths[0].backend.service.name = "orders-canary"),
    );
    assert.deepEqual(check(oneCanaryPerRoute, [ingress("orders"), weighted, header]), []);
  });
  it("names ALB canaries of two Services for one host and path", () => {
    const a = ingress("orders-canary", { [CANARY]: "true", [WEIGHT]: "10" });
    const b = ingress("orders-canary-b", { [CANARY]: "true", [HEADER]: "x-canary" });
    assert.deepEqual(check(oneCanaryPerRoute, [ingress("orders"), a, b]), [
      "ALB canary Ingresses send shop.example.com/orders to 2 canaries (orders-canary, orders-canary-b); keep one canary per route",
    ]);
  });
  it("names two weights for one host and path", () => {
    const a = ingress("orders-canary", { [CANARY]: "true", [WEIGHT]: "10" });
    const b = ingress(
      "orders-canary-again",
      { [CANARY]: "true", [WEIGHT]: "30" },
      (i) => (i.spec.rules[0].http.paths[0].backend.service.name = "orders-canary"),
    );
    assert.deepEqual(check(oneCanaryPerRoute, [ingress("orders"), a, b]), [
      "2 ALB canary Ingresses set a weight for shop.example.com/orders (Ingress 'apps/orders-canary', Ingress 'apps/orders-canary-again'); ALB applies one: keep one weighted canary per route",
    ]);
  });
  it("does not count a canary Ingress for another path", () => {
    const other = ingress("cart-canary", { [CANARY]: "true", [WEIGHT]: "10" }, (i) => (i.spec.rules[0].http.paths[0].path = "/cart"));
    assert.deepEqual(check(oneCanaryPerRoute, [ingress("orders-canary", { [CANARY]: "true", [WEIGHT]: "10" }), other]), []);
  });
});

// ---- Rules judged on what the Microservice renders: start from its objects, change one thing ----

const GATEWAY = { router: "gateway-api", gatewayName: "platform", gatewayNamespace: "gateway-system" } as const;
const ORDERS: MicroserviceArgs = {
  namespace: "apps",
  image: "registry.example.com/acme/orders:4.2.0",
  version: "4.2.0",
  resources: { cpu: "500m", memory: "1Gi" },
  replicas: { min: 3, max: 12 },
  route: { host: "api.example.com", path: "/orders", attachment: GATEWAY },
  canary: { version: "4.3.0", weight: 50, header: { name: "x-acme-canary", value: pulumi.secret("3f9c2a7e41b8d6052c1e9a8f7b3d4c6e") } },
  monitoring: { stack: "prod" },
};
const PAYMENTS: MicroserviceArgs = {
  ...ORDERS,
  image: "registry.example.com/acme/payments:7.0.2",
  version: "7.0.2",
  route: { host: "api.example.com", path: "/payments", attachment: GATEWAY },
  canary: undefined,
  legacy: { endpoints: ["192.168.10.21:8080", "192.168.10.22:8080"], weight: 50 },
};

/** The resources a Microservice declares, as the plan records them. */
async function rendered(name: string, args: MicroserviceArgs): Promise<PlannedResource[]> {
  const { canary, ...rest } = args;
  const out = await render(() => new Microservice(name, canary ? args : rest, { provider: testProvider() }));
  return [...out.resources];
}

/** The stack with one resource's inputs (or options) changed. */
function edit(resources: readonly PlannedResource[], name: string, change: (r: any) => void): PlannedResource[] {
  return resources.map((r) => {
    if (r.name !== name) return r;
    const copy = structuredClone(r) as any;
    change(copy);
    return copy;
  });
}
const inputs = (change: (o: any) => void) => (r: any) => change(r.inputs);

describe("canary-capacity", () => {
  it("passes the canary the Microservice renders at every weight, with or without a header", async () => {
    for (const weight of [0, 5, 50, 100]) {
      assert.deepEqual(
        check(canaryCapacity, await rendered("orders", { ...ORDERS, canary: { ...ORDERS.canary!, weight } })),
        [],
        `weight ${weight}`,
      );
    }
  });
  it("names a routed canary on one pod", async () => {
    const stack = edit(
      await rendered("orders", ORDERS),
      "orders-canary-hpa",
      inputs((o) => (o.spec.minReplicas = 1)),
    );
    assert.deepEqual(check(canaryCapacity, stack), [
      "Deployment 'apps/orders-canary' carries 50% of the traffic and the testers' header requests on a floor of 1 pod; a drain, a crash or a spot reclaim sends its share to errors: set its autoscaler's minReplicas to at least 2",
      "Deployment 'apps/orders-canary' takes 50% of the traffic on a floor of 1 pod(s), but that share of Deployment 'apps/orders''s peak (12 pods) needs 6: raise its minReplicas to 6 before the weight",
    ]);
  });
  it("names a canary whose autoscaler cannot grow", async () => {
    const stack = edit(
      await rendered("orders", ORDERS),
      "orders-canary-hpa",
      inputs((o) => (o.spec.maxReplicas = 6)),
    );
    assert.deepEqual(check(canaryCapacity, stack), [
      "Deployment 'apps/orders-canary' carries 50% of the traffic and the testers' header requests but its autoscaler cannot grow (minReplicas 6, maxReplicas 6); give it one whose maxReplicas is above minReplicas",
    ]);
  });
  it("names a budget that lets a drain take every canary pod", async () => {
    const stack = edit(
      await rendered("orders", ORDERS),
      "orders-canary-pdb",
      inputs((o) => (o.spec = { maxUnavailable: 6, selector: o.spec.selector })),
    );
    assert.deepEqual(check(canaryCapacity, stack), [
      "Deployment 'apps/orders-canary' carries 50% of the traffic and the testers' header requests, but PodDisruptionBudget 'apps/orders-canary' lets a drain evict all 6 of its pods; keep one with minAvailable: 5",
    ]);
  });
  it("applies to prod only", async () => {
    const stack = edit(
      await rendered("orders", ORDERS),
      "orders-canary-hpa",
      inputs((o) => (o.spec.minReplicas = 1)),
    );
    assert.deepEqual(check(canaryCapacity, stack, { environment: "dev" }), []);
  });
});

describe("route-waits-for-capacity", () => {
  it("passes the routes the Microservice renders: canary, header route, legacy migration, promotion handing over", async () => {
    assert.deepEqual(check(routeWaitsForCapacity, await rendered("orders", ORDERS)), []);
    assert.deepEqual(check(routeWaitsForCapacity, await rendered("payments", PAYMENTS)), []);
    const handover = {
      ...ORDERS,
      image: "registry.example.com/acme/orders:4.3.0",
      version: "4.3.0",
      canary: { ...ORDERS.canary!, version: "4.3.0", weight: 0 },
    };
    assert.deepEqual(check(routeWaitsForCapacity, await rendered("orders", handover)), []);
  });
  it("names a route that does not wait for the canary's capacity gate", async () => {
    const stack = await rendered("orders", ORDERS);
    const gate = stack.find((r) => r.name === "orders-canary-pdb")!.urn;
    const unwaited = edit(stack, "orders-route", (r) => (r.dependsOn = r.dependsOn.filter((d: string) => d !== gate)));
    assert.deepEqual(check(routeWaitsForCapacity, unwaited), [
      "HTTPRoute 'apps/orders' sends traffic to Deployment 'apps/orders-canary' without waiting for PodDisruptionBudget 'apps/orders-canary', its capacity gate; add the budget to the route's dependsOn, so traffic moves only once 6 pods are ready",
    ]);
  });
  it("names a canary whose budget gates on nothing Pulumi awaits", async () => {
    const stack = edit(
      await rendered("orders", ORDERS),
      "orders-canary-pdb",
      inputs((o) => delete o.metadata.annotations["pulumi.com/waitFor"]),
    );
    assert.deepEqual(check(routeWaitsForCapacity, stack), [
      "HTTPRoute 'apps/orders-canary-header' sends traffic to Deployment 'apps/orders-canary', whose share grows release by release, but no disruption budget gates on its floor of 6 ready pods; give it a PodDisruptionBudget with minAvailable: 5 and the annotation pulumi.com/waitFor: condition=DisruptionAllowed, and make the route depend on it",
      "HTTPRoute 'apps/orders' sends traffic to Deployment 'apps/orders-canary', whose share grows release by release, but no disruption budget gates on its floor of 6 ready pods; give it a PodDisruptionBudget with minAvailable: 5 and the annotation pulumi.com/waitFor: condition=DisruptionAllowed, and make the route depend on it",
    ]);
  });
  it("names a route that does not wait for the stable track's rollout beside legacy backends", async () => {
    const stack = edit(await rendered("payments", PAYMENTS), "payments-route", (r) => (r.dependsOn = []));
    assert.deepEqual(check(routeWaitsForCapacity, stack), [
      "HTTPRoute 'apps/payments' sends traffic to Deployment 'apps/payments' but does not wait for it; add it to the route's dependsOn, so that Pulumi moves traffic only after its rollout",
      "HTTPRoute 'apps/payments' sends traffic to Deployment 'apps/payments' without waiting for PodDisruptionBudget 'apps/payments', its capacity gate; add the budget to the route's dependsOn, so traffic moves only once 6 pods are ready",
    ]);
  });
});

describe("legacy-backend-health-checked", () => {
  it("passes legacy backends checked by a BackendTrafficPolicy, or by the ALB", async () => {
    assert.deepEqual(check(legacyBackendHealthChecked, await rendered("payments", PAYMENTS)), []);
    const alb = await rendered("payments", {
      ...PAYMENTS,
      route: { ...PAYMENTS.route!, attachment: { router: "alb", ingressClassName: "alb" } },
    });
    assert.deepEqual(check(legacyBackendHealthChecked, alb), []);
  });
  it("names legacy backends nothing checks", async () => {
    const stack = (await rendered("payments", PAYMENTS)).filter((r) => r.name !== "payments-legacy-health");
    assert.deepEqual(check(legacyBackendHealthChecked, stack), [
      "HTTPRoute 'apps/payments' sends to legacy backend Service 'apps/payments-legacy', and no BackendTrafficPolicy checks its backends; attach one to the route with healthCheck.active (an HTTP check of the readiness path) and healthCheck.passive, so a dead VM leaves the split",
    ]);
  });
  it("names a policy without active or passive checks", async () => {
    const stack = await rendered("payments", PAYMENTS);
    assert.deepEqual(
      check(
        legacyBackendHealthChecked,
        edit(
          stack,
          "payments-legacy-health",
          inputs((o) => delete o.spec.healthCheck.active),
        ),
      ),
      [
        "BackendTrafficPolicy 'apps/payments-legacy' sends no active health checks to legacy backend Service 'apps/payments-legacy'; set healthCheck.active (type HTTP with the readiness path, or TCP), so a VM that stops answering leaves the split",
      ],
    );
    assert.deepEqual(
      check(
        legacyBackendHealthChecked,
        edit(
          stack,
          "payments-legacy-health",
          inputs((o) => delete o.spec.healthCheck.passive),
        ),
      ),
      [
        "BackendTrafficPolicy 'apps/payments-legacy' does not eject failing backends of legacy backend Service 'apps/payments-legacy' between checks; set healthCheck.passive (consecutive errors)",
      ],
    );
  });
  it("names an ALB Ingress to legacy backends without a health check", async () => {
    const alb = await rendered("payments", {
      ...PAYMENTS,
      route: { ...PAYMENTS.route!, attachment: { router: "alb", ingressClassName: "alb" } },
    });
    const stack = edit(
      alb,
      "payments-legacy-ingress",
      inputs((o) => delete o.metadata.annotations["alb.ingress.kubernetes.io/healthcheck-enabled"]),
    );
    assert.deepEqual(check(legacyBackendHealthChecked, stack), [
      "Ingress 'apps/payments-legacy' sends to legacy backend Service 'apps/payments-legacy' without a health check of its server group; set alb.ingress.kubernetes.io/healthcheck-enabled: \"true\" with a healthcheck-path the VMs answer",
    ]);
  });
});

describe("header-route-unguessable", () => {
  const headerRoute = (value: unknown) => (r: any) => (r.inputs.spec.rules[0].matches[0].headers[0].value = value);
  it("passes a header value held as a secret (the plan shows it masked), a long random token, and a guessable one behind a SecurityPolicy", async () => {
    const stack = await rendered("orders", ORDERS);
    assert.equal(
      (stack.find((r) => r.name === "orders-canary-header-route")!.inputs as any).spec.rules[0].matches[0].headers[0].value,
      "[secret]",
    );
    assert.deepEqual(check(headerRouteUnguessable, stack), []);
    assert.deepEqual(
      check(headerRouteUnguessable, edit(stack, "orders-canary-header-route", headerRoute("3f9c2a7e41b8d6052c1e9a8f7b3d4c6e"))),
      [],
    );
    const restricted = await rendered("orders", {
      ...ORDERS,
      canary: { ...ORDERS.canary!, header: { name: "x-acme-canary", value: "testers", clientCidrs: ["203.0.113.0/24"] } },
    });
    assert.deepEqual(check(headerRouteUnguessable, restricted), []);
  });
  it("names a guessable value reachable from anywhere", async () => {
    const stack = edit(await rendered("orders", ORDERS), "orders-canary-header-route", headerRoute("testers"));
    assert.deepEqual(check(headerRouteUnguessable, stack), [
      "HTTPRoute 'apps/orders-canary-header' (spec.rules[0]) lets anyone who sends x-acme-canary: 'testers', 7 characters long reach 'orders-canary'; use a random token of at least 24 characters held as a secret (e.g. openssl rand -hex 24 into a secret config key), or attach a SecurityPolicy that admits only the testers' networks",
    ]);
    const repeated = edit(await rendered("orders", ORDERS), "orders-canary-header-route", headerRoute("abababababababababababababab"));
    assert.match(check(headerRouteUnguessable, repeated)[0]!, /'abababababababababababababab', of only 2 different characters/);
  });
  it("names a SecurityPolicy that admits every network", async () => {
    const restricted = await rendered("orders", {
      ...ORDERS,
      canary: { ...ORDERS.canary!, header: { name: "x-acme-canary", value: "testers", clientCidrs: ["203.0.113.0/24"] } },
    });
    const open = edit(
      restricted,
      "orders-canary-header-policy",
      inputs((o) => (o.spec.authorization.rules[0].principal.clientCIDRs = ["0.0.0.0/0"])),
    );
    assert.match(check(headerRouteUnguessable, open)[0]!, /lets anyone who sends x-acme-canary: 'testers'/);
  });
  it("names an ALB header canary with a guessable value", () => {
    const byHeader = ingress("orders-canary-header", { [CANARY]: "true", [HEADER]: "x-canary", [HEADER_VALUE]: "always" });
    assert.deepEqual(check(headerRouteUnguessable, byHeader), [
      "Ingress 'apps/orders-canary-header' (metadata.annotations) lets anyone who sends x-canary: 'always', 6 characters long reach 'orders-canary-header'; use a random token of at least 24 characters held as a secret (e.g. openssl rand -hex 24 into a secret config key)",
    ]);
  });
});

describe("release-fast-alarms", () => {
  it("passes the alerts the Microservice renders for a canary and a legacy migration", async () => {
    assert.deepEqual(check(releaseFastAlarms, await rendered("orders", ORDERS)), []);
    assert.deepEqual(check(releaseFastAlarms, await rendered("payments", PAYMENTS)), []);
  });
  it("names a canary whose only alarm is slow", async () => {
    const stack = edit(
      await rendered("orders", ORDERS),
      "orders-alerts",
      inputs((o) => (o.spec.groups[0].rules = o.spec.groups[0].rules.filter((r: any) => r.alert !== "CanaryErrorRateAboveStable"))),
    );
    assert.deepEqual(check(releaseFastAlarms, stack), [
      'Deployment \'apps/orders-canary\' takes traffic, but no alert compares its error ratio with the stable track\'s over 5 minutes or less; add one (expr over track="canary" and track="stable") whose runbook annotation gives the --rollback command',
    ]);
  });
  it("names a legacy migration without a fast alarm", async () => {
    const stack = edit(
      await rendered("payments", PAYMENTS),
      "payments-alerts",
      inputs((o) => (o.spec.groups[0].rules = o.spec.groups[0].rules.filter((r: any) => r.alert !== "LegacyMigrationErrorRateHigh"))),
    );
    assert.deepEqual(check(releaseFastAlarms, stack), [
      "Deployment 'apps/payments' takes a share from legacy backends, but no alert watches its errors over 5 minutes or less with a runbook giving the --legacy-weight command that sends the traffic back",
    ]);
  });
  it("does not apply to a stack without Prometheus rules", async () => {
    const { monitoring: _unused, ...unmonitored } = ORDERS;
    assert.deepEqual(check(releaseFastAlarms, await rendered("orders", unmonitored)), []);
  });
});
