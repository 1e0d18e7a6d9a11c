import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { trafficSplit } from "../../../components/workload/release";
import { albIngressRouter, gatewayApiRouter, type RouteSpec } from "../../../components/workload/routing";
import { schemaErrors } from "../../kubernetesSchemas";

const GATEWAY = { router: "gateway-api", gatewayName: "platform", gatewayNamespace: "gateway-system", listeners: ["https"] } as const;
const ALB = { router: "alb", ingressClassName: "alb" } as const;

function spec(overrides: Partial<RouteSpec> = {}): RouteSpec {
  return {
    service: "orders",
    namespace: "apps",
    labels: { "app.kubernetes.io/name": "orders" },
    host: "api.example.com",
    path: "/orders",
    port: 80,
    backends: { stable: "orders", canary: "orders-canary" },
    split: trafficSplit({ canary: 10 }),
    headers: [],
    readinessPath: "/ready",
    attachment: GATEWAY,
    ...overrides,
  };
}

const TESTERS = { backend: "canary", name: "x-canary", value: "testers" } as const;
const HEALTH = {
  protocol: "http",
  path: "/ready",
  intervalSeconds: 5,
  timeoutSeconds: 2,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
  consecutiveErrors: 5,
} as const;

describe("Gateway API router", () => {
  it("splits everyone by weight, and sends the testers' header to the canary on a route of its own", async () => {
    const objects = gatewayApiRouter.objects(spec({ headers: [TESTERS] }));
    assert.deepEqual(
      objects.map((o) => [o.role, o.object["kind"], o.object["metadata"].name, o.routesTo]),
      [
        ["route", "HTTPRoute", "orders", ["stable", "canary"]],
        ["canary-header-route", "HTTPRoute", "orders-canary-header", ["canary"]],
      ],
    );
    const [route, header] = objects.map((o) => o.object);
    assert.deepEqual(route!["spec"].parentRefs, [
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "platform", namespace: "gateway-system", sectionName: "https" },
    ]);
    assert.deepEqual(route!["spec"].hostnames, ["api.example.com"]);
    assert.equal(route!["spec"].rules.length, 1);
    assert.deepEqual(
      route!["spec"].rules[0].backendRefs.map((b: any) => [b.name, b.weight]),
      [
        ["orders", 90],
        ["orders-canary", 10],
      ],
    );
    assert.deepEqual(header!["spec"].hostnames, ["api.example.com"]);
    assert.deepEqual(header!["spec"].rules, [
      {
        matches: [{ path: { type: "PathPrefix", value: "/orders" }, headers: [{ type: "Exact", name: "x-canary", value: "testers" }] }],
        backendRefs: [{ group: "", kind: "Service", name: "orders-canary", port: 80, weight: 1 }],
      },
    ]);
    for (const o of objects) assert.deepEqual(await schemaErrors(o.object), []);
  });

  it("admits only the testers' networks to a header route with a SecurityPolicy on that route alone", async () => {
    const objects = gatewayApiRouter.objects(spec({ headers: [{ ...TESTERS, clientCidrs: ["203.0.113.0/24"] }] }));
    const policy = objects.find((o) => o.role === "canary-header-policy")!;
    assert.deepEqual(policy.routesTo, []);
    assert.deepEqual(policy.object["spec"], {
      targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "orders-canary-header" }],
      authorization: {
        defaultAction: "Deny",
        rules: [{ name: "testers", action: "Allow", principal: { clientCIDRs: ["203.0.113.0/24"] } }],
      },
    });
    assert.deepEqual(await schemaErrors(policy.object), []);
  });

  it("reaches the Kubernetes build of a service leaving its VMs by header, before it has any weight", () => {
    const objects = gatewayApiRouter.objects(
      spec({
        backends: { stable: "payments", legacy: "payments-legacy" },
        service: "payments",
        split: trafficSplit({ legacy: 100 }),
        headers: [{ backend: "stable", name: "x-canary", value: "testers" }],
        legacyHealth: HEALTH,
      }),
    );
    const header = objects.find((o) => o.role === "stable-header-route")!;
    assert.equal(header.object["metadata"].name, "payments-stable-header");
    assert.equal(header.object["spec"].rules[0].backendRefs[0].name, "payments");
    assert.deepEqual(objects.find((o) => o.role === "route")!.routesTo, ["legacy"]);
  });

  it("splits between the cluster and legacy backends, and checks them actively and passively", async () => {
    const [route, health] = gatewayApiRouter.objects(
      spec({
        backends: { stable: "payments", legacy: "payments-legacy" },
        service: "payments",
        split: trafficSplit({ legacy: 90 }),
        legacyHealth: HEALTH,
      }),
    );
    assert.equal(route!.object["spec"].rules.length, 1);
    assert.deepEqual(
      route!.object["spec"].rules[0].backendRefs.map((b: any) => [b.name, b.weight]),
      [
        ["payments", 10],
        ["payments-legacy", 90],
      ],
    );
    assert.equal(health!.role, "legacy-health");
    assert.equal(health!.object["kind"], "BackendTrafficPolicy");
    assert.deepEqual(health!.object["spec"].targetRefs, [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "payments" }]);
    assert.deepEqual(health!.object["spec"].healthCheck.active, {
      type: "HTTP",
      interval: "5s",
      timeout: "2s",
      healthyThreshold: 2,
      unhealthyThreshold: 3,
      http: { path: "/ready", method: "GET", expectedStatuses: [200] },
    });
    assert.equal(health!.object["spec"].healthCheck.passive.consecutive5XxErrors, 5);
    assert.deepEqual(await schemaErrors(health!.object), []);
    const tcp = gatewayApiRouter.objects(
      spec({
        backends: { stable: "payments", legacy: "payments-legacy" },
        split: trafficSplit({ legacy: 90 }),
        legacyHealth: { ...HEALTH, protocol: "tcp" },
      }),
    )[1]!;
    assert.deepEqual(tcp.object["spec"].healthCheck.active.type, "TCP");
    assert.equal(tcp.object["spec"].healthCheck.active.http, undefined);
  });

  it("attaches to every listener when none is named", () => {
    const [route] = gatewayApiRouter.objects(spec({ attachment: { router: "gateway-api", gatewayName: "gw", gatewayNamespace: "edge" } }));
    assert.deepEqual(route!.object["spec"].parentRefs, [
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "gw", namespace: "edge" },
    ]);
  });

  it("refuses what an HTTPRoute cannot carry", () => {
    assert.deepEqual(gatewayApiRouter.validate(spec({ host: "10.0.0.1", path: "orders" })), [
      "path 'orders' of 'orders' does not start with '/'",
      "host '10.0.0.1' of 'orders' is an IP address; HTTPRoute hostnames must be DNS names",
    ]);
    assert.deepEqual(gatewayApiRouter.validate(spec({ attachment: ALB })), ["route of 'orders' is not attached to a Gateway"]);
    assert.deepEqual(gatewayApiRouter.validate(spec()), []);
    assert.deepEqual(
      gatewayApiRouter.validate(
        spec({
          backends: { stable: "orders", legacy: "orders-legacy" },
          split: trafficSplit({ legacy: 50 }),
          headers: [{ ...TESTERS, clientCidrs: ["office"] }],
          legacyHealth: { ...HEALTH, path: "/health" },
        }),
      ),
      [
        "header route of 'orders' has no canary backend to send to",
        "client network 'office' of the header route of 'orders' is not a CIDR block",
        "legacy health-check path '/health' of 'orders' is not the readiness path '/ready': the gateway checks every backend of the route (the pods too) at one path; use the readiness path, or protocol 'tcp'",
      ],
    );
  });
});

describe("ALB Ingress router", () => {
  it("renders a stable Ingress, a weighted canary Ingress and a header canary Ingress, header first", async () => {
    const objects = albIngressRouter.objects(spec({ attachment: ALB, headers: [TESTERS] }));
    assert.deepEqual(
      objects.map((o) => [o.role, o.object["metadata"].name]),
      [
        ["ingress", "orders"],
        ["canary-ingress", "orders-canary"],
        ["canary-header-ingress", "orders-canary-header"],
      ],
    );
    const annotations = objects.map((o) => o.object["metadata"].annotations);
    assert.deepEqual(annotations[0], { "alb.ingress.kubernetes.io/order": "30" });
    assert.deepEqual(annotations[1], {
      "alb.ingress.kubernetes.io/canary": "true",
      "alb.ingress.kubernetes.io/canary-weight": "10",
      "alb.ingress.kubernetes.io/order": "20",
    });
    assert.deepEqual(annotations[2], {
      "alb.ingress.kubernetes.io/canary": "true",
      "alb.ingress.kubernetes.io/canary-by-header": "x-canary",
      "alb.ingress.kubernetes.io/canary-by-header-value": "testers",
      "alb.ingress.kubernetes.io/order": "10",
    });
    assert.equal(objects[2]!.object["spec"].rules[0].http.paths[0].backend.service.name, "orders-canary");
    assert.deepEqual(
      objects.map((o) => o.routesTo),
      [["stable"], ["stable", "canary"], ["canary"]],
    );
    assert.equal(objects[0]!.object["spec"].ingressClassName, "alb");
    for (const o of objects) assert.deepEqual(await schemaErrors(o.object), []);
  });

  it("sends the weighted share to legacy backends when there is no canary, health-checking their server group", async () => {
    const objects = albIngressRouter.objects(
      spec({
        attachment: ALB,
        backends: { stable: "orders", legacy: "orders-legacy" },
        split: trafficSplit({ legacy: 50 }),
        legacyHealth: { ...HEALTH, path: "/status" },
      }),
    );
    assert.deepEqual(
      objects.map((o) => o.role),
      ["ingress", "legacy-ingress"],
    );
    assert.deepEqual(objects[1]!.object["metadata"].annotations, {
      "alb.ingress.kubernetes.io/canary": "true",
      "alb.ingress.kubernetes.io/canary-weight": "50",
      "alb.ingress.kubernetes.io/order": "20",
      "alb.ingress.kubernetes.io/healthcheck-enabled": "true",
      "alb.ingress.kubernetes.io/healthcheck-protocol": "HTTP",
      "alb.ingress.kubernetes.io/healthcheck-path": "/status",
      "alb.ingress.kubernetes.io/healthcheck-method": "GET",
      "alb.ingress.kubernetes.io/healthcheck-httpcode": "http_2xx",
      "alb.ingress.kubernetes.io/healthcheck-interval-seconds": "5",
      "alb.ingress.kubernetes.io/healthcheck-timeout-seconds": "2",
      "alb.ingress.kubernetes.io/healthy-threshold-count": "2",
      "alb.ingress.kubernetes.io/unhealthy-threshold-count": "3",
    });
    assert.deepEqual(objects[1]!.routesTo, ["stable", "legacy"]);
    for (const o of objects) assert.deepEqual(await schemaErrors(o.object), []);
  });

  it("refuses a canary and legacy backends together, and header values ALB cannot match", () => {
    assert.deepEqual(
      albIngressRouter.validate(
        spec({
          attachment: ALB,
          backends: { stable: "orders", canary: "orders-canary", legacy: "orders-legacy" },
          split: trafficSplit({ canary: 10, legacy: 10 }),
          headers: [{ ...TESTERS, value: "two words", clientCidrs: ["10.0.0.0/8"] }],
        }),
      ),
      [
        "'orders' has both a canary and legacy backends; the ALB router carries one weighted canary per host and path, so finish the legacy migration first or use the gateway-api router",
        "header value 'two words' of 'orders' is not 1-128 visible ASCII characters, which ALB requires",
        "header route of 'orders' restricts client networks, which the ALB router's canary Ingress cannot; keep the header value a secret instead",
      ],
    );
    assert.deepEqual(albIngressRouter.validate(spec({ attachment: ALB, headers: [{ ...TESTERS, backend: "stable" }] })), [
      "header route of 'orders' sends to the stable track; the ALB router routes a header only to a canary, so use the gateway-api router",
    ]);
  });
});

describe("a weight change is a pure traffic change", () => {
  for (const router of [gatewayApiRouter, albIngressRouter]) {
    it(`${router.name}: the objects' roles and names do not depend on the weights`, () => {
      const attachment = router.name === "alb" ? ALB : GATEWAY;
      const shape = (canary: number, legacy: number, withLegacy: boolean) =>
        router
          .objects(
            spec({
              attachment,
              backends:
                withLegacy && router.name !== "alb"
                  ? { stable: "orders", canary: "orders-canary", legacy: "orders-legacy" }
                  : { stable: "orders", canary: "orders-canary" },
              split: trafficSplit(withLegacy && router.name !== "alb" ? { canary, legacy } : { canary }),
              headers: [TESTERS],
              ...(withLegacy && router.name !== "alb" ? { legacyHealth: HEALTH } : {}),
            }),
          )
          .map((o) => `${o.role}/${o.object["kind"]}/${o.object["metadata"].name}`);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 50 }),
          fc.integer({ min: 0, max: 50 }),
          fc.integer({ min: 0, max: 50 }),
          fc.boolean(),
          (a, b, l, withLegacy) => {
            assert.deepEqual(shape(a, l, withLegacy), shape(b, l, withLegacy));
          },
        ),
      );
    });
  }
});
