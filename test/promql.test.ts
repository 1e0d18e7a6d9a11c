import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { promqlProblems } from "./promql";

describe("promqlProblems: Prometheus' parser and type checker", () => {
  it("accepts what Prometheus accepts", () => {
    for (const expr of [
      'sum by (track) (increase(http_requests_total{namespace="apps", service=~"a|a-canary", code=~"5.."}[10m]))',
      "histogram_quantile(0.99, sum by (track, le) (rate(x_bucket[10m])))",
      "(sum(rate(a[2m])) or vector(0))\n  / sum(rate(b[2m])) - on() (sum(rate(c[2m]))) > 0.01\nand on() sum(increase(d[2m])) >= 20",
      'absent(up{job="monitoring/gateway"} == 1)',
    ]) {
      assert.deepEqual(promqlProblems(expr), [], expr);
    }
  });

  const refused: Array<[string, RegExp]> = [
    ["sum by (track (rate(x[5m]))", /unexpected expression/],
    ["rate(x[5m)", /unexpected expression/],
    ["rate(x)", /expected type matrix in call to function "rate", got vector/],
    ["histogram_quantile(0.99)", /expected 2 argument\(s\) in call to "histogram_quantile", got 1/],
    ["sum(rate(x[5m])) by", /the expression ends before it is complete/],
    ["rate(x[5m]) >", /the expression ends before it is complete/],
    ["1 unless 1", /set operator not allowed in binary scalar expression/],
    ["rate(x[5x])", /unexpected expression at "x\[5x\]"/],
    ['x{a="b}', /the expression ends before it is complete/],
    ["hitsogram_quantile(0.9, x)", /unexpected expression/],
    ["", /the expression is empty/],
  ];
  for (const [expr, why] of refused) {
    it(`refuses ${JSON.stringify(expr)}`, () => {
      const problems = promqlProblems(expr);
      assert.ok(problems.length > 0, "a problem is found");
      assert.match(problems.join("\n"), why);
    });
  }
});
