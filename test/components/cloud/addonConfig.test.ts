import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ALB_INGRESS_CONTROLLER, credentialHelperConfig, goJson, storedConfig } from "../../../components/cloud/addonConfig";

/** Every key of every object in a value, in the order written. */
function keyOrders(value: unknown): string[][] {
  if (Array.isArray(value)) return value.flatMap(keyOrders);
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    return [keys, ...keys.flatMap((k) => keyOrders((value as Record<string, unknown>)[k]))];
  }
  return [];
}

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe("goJson: Go's json.Marshal of a decoded value", () => {
  it("writes Go's bytes for the values the provider sees", () => {
    const table: Array<[unknown, string]> = [
      [{ b: 1, a: "x" }, '{"a":"x","b":1}'],
      [
        { AcrInstanceInfo: [{ regionId: "r", instanceId: "i" }], enableRRSA: false },
        '{"AcrInstanceInfo":[{"instanceId":"i","regionId":"r"}],"enableRRSA":false}',
      ],
      // Upper case sorts before lower case, as in Go's byte order.
      [{ b: 1, B: 2, a: 3 }, '{"B":2,"a":3,"b":1}'],
      ["a<b>&c", '"a\\u003cb\\u003e\\u0026c"'],
      ['tab\there\nquote"back\\', '"tab\\there\\nquote\\"back\\\\"'],
      ["\u0001\u2028", '"\\u0001\\u2028"'],
      [[1.5, 1e21, 1e-7, 0, null, true], "[1.5,1e+21,1e-7,0,null,true]"],
      [{}, "{}"],
    ];
    for (const [value, go] of table) assert.equal(goJson(value), go, JSON.stringify(value));
  });

  it("is the same value, with keys sorted at every level and no space outside strings", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = goJson(value);
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
        // A parsed object lists integer-like keys first whatever the text's order, so the order is
        // read from the text only for objects without them.
        for (const keys of keyOrders(JSON.parse(text)).filter((k) => !k.some((key) => /^\d+$/.test(key))))
          assert.deepEqual(keys, [...keys].sort(byBytes));
        assert.equal(goJson(JSON.parse(text)), text, "stable: the stored form of the stored form is itself");
      }),
    );
  });

  it("storedConfig reads JSON text and writes it in the stored form", () => {
    assert.equal(storedConfig('{ "watchNamespace": "apps", "AcrInstanceInfo": [] }'), '{"AcrInstanceInfo":[],"watchNamespace":"apps"}');
  });
});

describe("add-on settings", () => {
  it("the credential helper: the instance, the namespaces and ServiceAccounts named, RRSA off for same-account pulls", () => {
    assert.deepEqual(
      credentialHelperConfig({
        instanceId: "cri-1",
        regionId: "cn-hangzhou",
        domains: ["a", "b"],
        namespaces: ["apps", "logging"],
        serviceAccounts: ["*"],
      }),
      {
        AcrInstanceInfo: [{ instanceId: "cri-1", regionId: "cn-hangzhou", domains: "a,b" }],
        watchNamespace: "apps,logging",
        serviceAccount: "*",
        expiringThreshold: "15m",
        enableRRSA: false,
      },
    );
  });
  it("the ALB Ingress controller creates no ALB of its own", () => {
    assert.equal(goJson(ALB_INGRESS_CONTROLLER.config), '{"albIngress":{"CreateDefaultALBConfig":false}}');
  });
});
