import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { canaryReplicas, canaryScaling, trafficSplit } from "../../../components/workload/release";

describe("trafficSplit", () => {
  const cases: Array<[{ canary?: number; legacy?: number }, { stable: number; canary: number; legacy: number }]> = [
    [{}, { stable: 100, canary: 0, legacy: 0 }],
    [{ canary: 10 }, { stable: 90, canary: 10, legacy: 0 }],
    [{ legacy: 90 }, { stable: 10, canary: 0, legacy: 90 }],
    [
      { canary: 10, legacy: 50 },
      { stable: 40, canary: 10, legacy: 50 },
    ],
    [{ canary: 100 }, { stable: 0, canary: 100, legacy: 0 }],
  ];
  for (const [weights, split] of cases) {
    it(`splits ${JSON.stringify(weights)} as ${JSON.stringify(split)}`, () => assert.deepEqual(trafficSplit(weights), split));
  }

  it("refuses weights out of range or over 100 together", () => {
    assert.throws(() => trafficSplit({ canary: 150 }), /canary weight 150 is not an integer between 0 and 100/);
    assert.throws(() => trafficSplit({ legacy: -1 }), /legacy weight -1 is not an integer between 0 and 100/);
    assert.throws(() => trafficSplit({ canary: 2.5 }), /canary weight 2.5 is not an integer/);
    assert.throws(() => trafficSplit({ canary: 60, legacy: 50 }), /canary weight 60 plus legacy weight 50 is more than 100/);
  });

  it("always gives every request a backend: the shares add up to 100, none negative", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (canary, legacy) => {
        fc.pre(canary + legacy <= 100);
        const split = trafficSplit({ canary, legacy });
        return split.stable + split.canary + split.legacy === 100 && split.stable >= 0;
      }),
    );
  });
});

describe("canaryReplicas", () => {
  const cases: Array<[number, number, number]> = [
    [10, 10, 1],
    [10, 15, 2],
    [10, 50, 5],
    [3, 5, 1],
    [3, 0, 1],
    [4, 100, 4],
    [0, 50, 1],
  ];
  for (const [stable, weight, expected] of cases) {
    it(`gives ${expected} canary pods for ${stable} stable pods at weight ${weight}`, () =>
      assert.equal(canaryReplicas(stable, weight), expected));
  }

  it("never runs fewer than one canary pod, nor more than the stable track at full weight, and grows with the weight", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 99 }), (stable, weight) => {
        const here = canaryReplicas(stable, weight);
        return here >= 1 && here <= stable && canaryReplicas(stable, weight + 1) >= here;
      }),
    );
  });

  it("scales the canary's autoscaling bounds with the weight", () => {
    assert.deepEqual(canaryScaling({ min: 3, max: 12 }, 25), { min: 1, max: 3 });
    assert.throws(() => canaryReplicas(-1, 10), /stable replicas -1 is not a non-negative integer/);
  });
});
