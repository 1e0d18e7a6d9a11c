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
    attachment: GATEWAY,
    ...overrides,
  };
}

describe("Gateway API router", () => {
  it("sends the header to the canary first, then splits by weight", async () => {
    const [route] = gatewayApiRouter.objects(spec({ header: { name: "x-canary", value: "testers" } }));
    assert.equal(route!.role, "route");
    const object = route!.object;
    assert.equal(object["kind"], "HTTPRoute");
    assert.deepEqual(object["spec"].parentRefs, [
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "platform", namespace: "gateway-system", sectionName: "https" },
    ]);
    assert.deepEqual(object["spec"].hostnames, ["api.example.com"]);
    const [header, weighted] = object["spec"].rules;
    assert.deepEqual(header.matches, [
      { path: { type: "PathPrefix", value: "/orders" }, headers: [{ type: "Exact", name: "x-canary", value: "testers" }] },
    ]);
    assert.deepEqual(
      header.backendRefs.map((b: any) => b.name),
      ["orders-canary"],
    );
    assert.deepEqual(
      weighted.backendRefs.map((b: any) => [b.name, b.weight]),
      [
        ["orders", 90],
        ["orders-canary", 10],
      ],
    );
    assert.deepEqual(await schemaErrors(object), []);
  });

  it("splits between the cluster and legacy backends", () => {
    const [route] = gatewayApiRouter.objects(
      spec({ backends: { stable: "payments", legacy: "payments-legacy" }, service: "payments", split: trafficSplit({ legacy: 90 }) }),
    );
    assert.equal(route!.object["spec"].rules.length, 1);
    assert.deepEqual(
      route!.object["spec"].rules[0].backendRefs.map((b: any) => [b.name, b.weight]),
      [
        ["payments", 10],
        ["payments-legacy", 90],
      ],
    );
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
  });
});

describe("ALB Ingress router", () => {
  it("renders a stable Ingress, a weighted canary Ingress and a header canary Ingress, header first", async () => {
    const objects = albIngressRouter.objects(spec({ attachment: ALB, header: { name: "x-canary", value: "testers" } }));
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
    assert.equal(objects[0]!.object["spec"].ingressClassName, "alb");
    for (const o of objects) assert.deepEqual(await schemaErrors(o.object), []);
  });

  it("sends the weighted share to legacy backends when there is no canary", () => {
    const objects = albIngressRouter.objects(
      spec({ attachment: ALB, backends: { stable: "orders", legacy: "orders-legacy" }, split: trafficSplit({ legacy: 50 }) }),
    );
    assert.deepEqual(
      objects.map((o) => o.role),
      ["ingress", "legacy-ingress"],
    );
    assert.equal(objects[1]!.object["metadata"].annotations["alb.ingress.kubernetes.io/canary-weight"], "50");
  });

  it("refuses a canary and legacy backends together, and header values ALB cannot match", () => {
    assert.deepEqual(
      albIngressRouter.validate(
        spec({
          attachment: ALB,
          backends: { stable: "orders", canary: "orders-canary", legacy: "orders-legacy" },
          split: trafficSplit({ canary: 10, legacy: 10 }),
          header: { name: "x-canary", value: "two words" },
        }),
      ),
      [
        "'orders' has both a canary and legacy backends; the ALB router carries one weighted canary per host and path, so finish the legacy migration first or use the gateway-api router",
        "header value 'two words' of 'orders' is not 1-128 visible ASCII characters, which ALB requires",
      ],
    );
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
              header: { name: "x-canary", value: "testers" },
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
