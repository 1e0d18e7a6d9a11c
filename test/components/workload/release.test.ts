import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { canaryCapacity, disruptionBudget, shareOfPeak, stableCapacity, trafficSplit } from "../../../components/workload/release";

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

describe("canaryCapacity", () => {
  const cases: Array<[{ min: number; max: number }, number, boolean, { floor: number; max: number; gated: boolean }]> = [
    // Unrouted: one pod for inspection, ungated.
    [{ min: 3, max: 10 }, 0, false, { floor: 1, max: 10, gated: false }],
    // Testers only: two pods, so a drain never empties it.
    [{ min: 3, max: 10 }, 0, true, { floor: 2, max: 10, gated: true }],
    // A small weight: still two.
    [{ min: 3, max: 10 }, 10, false, { floor: 2, max: 10, gated: true }],
    // Half of a 12-pod peak: six.
    [{ min: 3, max: 12 }, 50, true, { floor: 6, max: 12, gated: true }],
    // All of it: the stable peak, and room to grow above it.
    [{ min: 3, max: 12 }, 100, false, { floor: 12, max: 13, gated: true }],
    // A fixed stable track of one pod (dev): the canary still keeps two and can grow.
    [{ min: 1, max: 1 }, 50, false, { floor: 2, max: 3, gated: true }],
  ];
  for (const [stable, weight, header, expected] of cases) {
    it(`sizes a canary at weight ${weight}${header ? " with a header" : ""} beside ${JSON.stringify(stable)}`, () =>
      assert.deepEqual(canaryCapacity(stable, weight, header), expected));
  }

  it("keeps at least its share of the stable peak, two pods while routed, grows with the weight and can always scale", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 99 }),
        fc.boolean(),
        (min, extra, weight, header) => {
          const stable = { min, max: min + extra };
          const here = canaryCapacity(stable, weight, header);
          const routed = weight > 0 || header;
          return (
            here.floor >= Math.ceil((weight * stable.max) / 100) &&
            (!routed || here.floor >= 2) &&
            here.max > here.floor &&
            canaryCapacity(stable, weight + 1, header).floor >= here.floor
          );
        },
      ),
    );
  });

  it("refuses a stable track without capacity", () => {
    assert.throws(() => shareOfPeak(0, 10), /stable max replicas 0 is not a positive integer/);
    assert.throws(() => canaryCapacity({ min: 1, max: 2 }, 101, false), /canary weight 101 is not an integer between 0 and 100/);
  });
});

describe("stableCapacity", () => {
  it("follows its own minimum unless pinned by legacy backends or a promotion handing over", () => {
    assert.deepEqual(stableCapacity({ min: 3, max: 6 }, 50, false), { floor: 3, max: 6, gated: false });
    assert.deepEqual(stableCapacity({ min: 3, max: 6 }, 50, true), { floor: 3, max: 6, gated: true });
    assert.deepEqual(stableCapacity({ min: 3, max: 6 }, 90, true), { floor: 6, max: 6, gated: true });
    assert.deepEqual(stableCapacity({ min: 3, max: 12 }, 100, true), { floor: 12, max: 12, gated: true });
    // Legacy backends take everything: nothing to wait for on the stable track.
    assert.deepEqual(stableCapacity({ min: 3, max: 6 }, 0, true), { floor: 3, max: 6, gated: false });
  });
});

describe("disruptionBudget", () => {
  it("gates a routed track on its floor (minAvailable floor - 1) and lets others drain one pod at a time", () => {
    assert.deepEqual(disruptionBudget({ floor: 6, max: 12, gated: true }), { minAvailable: 5 });
    assert.deepEqual(disruptionBudget({ floor: 2, max: 10, gated: true }), { minAvailable: 1 });
    assert.deepEqual(disruptionBudget({ floor: 3, max: 10, gated: false }), { maxUnavailable: 1 });
  });
});
