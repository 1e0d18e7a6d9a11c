import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { combinedExitCode, decide, type Judgement, quantileName, type TrackNumbers } from "../../../tools/release/decision";

const ANALYSIS = { minRequests: 100, maxErrorPercent: 1, latencyQuantile: 0.99, windowMinutes: 10 };
const WITH_LATENCY = { ...ANALYSIS, maxLatencyMs: 300 };

function judgement(canary: TrackNumbers, over: Partial<Judgement> = {}): Judgement {
  return {
    service: "catalog",
    judged: { track: "canary", numbers: canary },
    other: { track: "stable", numbers: { requests: 9000, errors: 9 } },
    analysis: ANALYSIS,
    from: "canary 10%",
    next: "canary 25%",
    back: "canary 0%",
    needsApproval: false,
    ...over,
  };
}

describe("decide", () => {
  const table: Array<[string, Judgement, string, number, string]> = [
    [
      "enough traffic, within every threshold",
      judgement({ requests: 1500, errors: 3 }),
      "advance",
      0,
      "catalog: advance canary 10% → canary 25%: canary 1500 requests in 10m, 0.2% 5xx (max 1%); stable 9000 requests, 0.1% 5xx",
    ],
    [
      "exactly at the thresholds is within them",
      judgement({ requests: 100, errors: 1, latencyMs: 300 }, { analysis: WITH_LATENCY }),
      "advance",
      0,
      "catalog: advance canary 10% → canary 25%: canary 100 requests in 10m, 1% 5xx (max 1%), p99 300 ms (max 300 ms); stable 9000 requests, 0.1% 5xx, p99 none measured",
    ],
    [
      "one request short of the minimum holds, whatever its errors",
      judgement({ requests: 99.4, errors: 50 }),
      "hold",
      3,
      "catalog: hold at canary 10%, too little traffic to judge (100 requests needed): canary 99 requests in 10m, 50.3% 5xx (max 1%); stable 9000 requests, 0.1% 5xx",
    ],
    [
      "no traffic at all holds",
      judgement({ requests: 0, errors: 0 }, { other: undefined }),
      "hold",
      3,
      "catalog: hold at canary 10%, too little traffic to judge (100 requests needed): canary 0 requests in 10m, 0% 5xx (max 1%)",
    ],
    [
      "errors above the maximum roll back",
      judgement({ requests: 1500, errors: 240 }),
      "rollback",
      4,
      "catalog: roll back canary 10% → canary 0%, 5xx 16% above the 1% maximum: canary 1500 requests in 10m, 16% 5xx (max 1%); stable 9000 requests, 0.1% 5xx",
    ],
    [
      "latency above the maximum rolls back, and both breaches are named",
      judgement({ requests: 1500, errors: 30, latencyMs: 812.6 }, { analysis: WITH_LATENCY }),
      "rollback",
      4,
      "catalog: roll back canary 10% → canary 0%, 5xx 2% above the 1% maximum and p99 813 ms above the 300 ms maximum: canary 1500 requests in 10m, 2% 5xx (max 1%), p99 813 ms (max 300 ms); stable 9000 requests, 0.1% 5xx, p99 none measured",
    ],
    [
      "an infinite latency (every request in the +Inf bucket) is measured, and too slow",
      judgement({ requests: 1500, errors: 0, latencyMs: Infinity }, { analysis: WITH_LATENCY, other: undefined }),
      "rollback",
      4,
      "catalog: roll back canary 10% → canary 0%, p99 Infinity ms above the 300 ms maximum: canary 1500 requests in 10m, 0% 5xx (max 1%), p99 Infinity ms (max 300 ms)",
    ],
    [
      "a breach rolls back even when the next step waits for approval",
      judgement({ requests: 1500, errors: 100 }, { needsApproval: true, other: undefined }),
      "rollback",
      4,
      "catalog: roll back canary 10% → canary 0%, 5xx 6.67% above the 1% maximum: canary 1500 requests in 10m, 6.67% 5xx (max 1%)",
    ],
    [
      "healthy, before a step that needs approval, waits",
      judgement({ requests: 1500, errors: 0 }, { needsApproval: true, next: "canary 100% (promotion step 1 of 3)", other: undefined }),
      "approval",
      5,
      "catalog: awaiting approval for canary 10% → canary 100% (promotion step 1 of 3) (within every threshold; run with --approve once approved): canary 1500 requests in 10m, 0% 5xx (max 1%)",
    ],
    [
      "a latency threshold with no latency measured (NaN: no observations) cannot be judged",
      judgement({ requests: 1500, errors: 0, latencyMs: NaN }, { analysis: WITH_LATENCY, other: undefined }),
      "inconclusive",
      1,
      "catalog: cannot judge canary 10%: the canary served requests but no p99 latency is measured (check metrics.latencyMetric): canary 1500 requests in 10m, 0% 5xx (max 1%), p99 none measured (max 300 ms)",
    ],
    [
      "counts that are not numbers cannot be judged (and never advance)",
      judgement({ requests: 1500, errors: NaN }, { other: undefined }),
      "inconclusive",
      1,
      "catalog: cannot judge canary 10%: the canary's request counts are not numbers: canary 1500 requests in 10m, NaN% 5xx (max 1%)",
    ],
    [
      "a legacy migration is judged on the stable track alone, at its quantile",
      {
        service: "payments",
        judged: { track: "stable", numbers: { requests: 5000, errors: 5, latencyMs: 120 } },
        analysis: { ...WITH_LATENCY, latencyQuantile: 0.999, windowMinutes: 30 },
        from: "legacy 50%",
        next: "legacy 10%",
        back: "legacy 90%",
        needsApproval: false,
      },
      "advance",
      0,
      "payments: advance legacy 50% → legacy 10%: stable 5000 requests in 30m, 0.1% 5xx (max 1%), p99.9 120 ms (max 300 ms)",
    ],
  ];
  for (const [name, input, verdict, exitCode, line] of table) {
    it(name, () => assert.deepEqual(decide(input), { verdict, exitCode, line }));
  }

  it("names quantiles as percentiles", () => {
    assert.deepEqual([0.5, 0.9, 0.95, 0.99, 0.999].map(quantileName), ["p50", "p90", "p95", "p99", "p99.9"]);
  });
});

describe("combinedExitCode", () => {
  const table: Array<[number[], number, string]> = [
    [[], 0, "nothing judged"],
    [[0, 0], 0, "every service advanced"],
    [[0, 3], 3, "one held"],
    [[3, 1, 0], 1, "one could not be judged"],
    [[1, 5, 3], 5, "an approval is not hidden behind another service's outage"],
    [[5, 4, 1], 4, "a rollback outranks everything judged"],
    [[4, 2], 2, "bad input: nothing was judged"],
  ];
  for (const [codes, expected, why] of table)
    it(`${JSON.stringify(codes)} → ${expected}: ${why}`, () => assert.equal(combinedExitCode(codes), expected));
});
