import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canaryHasStable, canaryRouteForm, oneCanaryPerRoute, routeWeightsInRange } from "../../policies/rules";
import { canaryStack, check, deploymentObject, httpRoute, ingress, podLabels, resource, service } from "./helpers";

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
