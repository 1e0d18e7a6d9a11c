/**
 * The PromQL of a service's alarms (components/workload/monitoring.ts), checked by Prometheus' own
 * parser and type checker for every shape a service can have.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MicroserviceArgs } from "../../../components/workload/args";
import { monitoringObjects } from "../../../components/workload/monitoring";
import { promqlProblems } from "../../promql";

const ARGS: MicroserviceArgs = {
  namespace: "apps",
  image: "registry.example.com/acme/orders:4.2.0",
  version: "4.2.0",
  resources: { cpu: "500m", memory: "1Gi" },
};

function rules(monitoring: NonNullable<MicroserviceArgs["monitoring"]>, shape: { canary: boolean; legacy: boolean }) {
  // The port only names the Service port scraped; the alarms do not depend on it.
  const objects = monitoringObjects("orders", { ...ARGS, monitoring }, { "app.kubernetes.io/name": "orders" }, { ...shape, port: "http" });
  const alerts = objects.find((o) => o.role === "alerts")!.object;
  return alerts["spec"].groups.flatMap((g: { rules: Array<{ alert: string; expr: string }> }) => g.rules) as Array<{
    alert: string;
    expr: string;
  }>;
}

describe("a service's alarms are PromQL that Prometheus loads", () => {
  const settings: Array<[string, NonNullable<MicroserviceArgs["monitoring"]>]> = [
    ["the defaults", {}],
    [
      "Spring Boot's counter and status label",
      { requestsMetric: "http_server_requests_seconds_count", statusLabel: "status", errorRatePercent: 2 },
    ],
    ["a recording rule's name as the counter", { requestsMetric: "job:http_requests:total", errorRatePercent: 100 }],
  ];
  for (const [name, monitoring] of settings) {
    for (const shape of [
      { canary: false, legacy: false },
      { canary: true, legacy: false },
      { canary: false, legacy: true },
      { canary: true, legacy: true },
    ]) {
      it(`${name}, ${shape.canary ? "with" : "without"} a canary, ${shape.legacy ? "with" : "without"} legacy backends`, () => {
        const all = rules(monitoring, shape);
        assert.equal(
          all.some((r) => r.alert === "CanaryErrorRateAboveStable"),
          shape.canary,
        );
        assert.equal(
          all.some((r) => r.alert === "LegacyMigrationErrorRateHigh"),
          shape.legacy,
        );
        for (const rule of all) assert.deepEqual(promqlProblems(rule.expr), [], `${rule.alert}:\n${rule.expr}`);
      });
    }
  }

  it("would catch a typo: the checker is not a formality", () => {
    const rule = rules({}, { canary: true, legacy: false }).find((r) => r.alert === "CanaryErrorRateAboveStable")!;
    assert.notDeepEqual(promqlProblems(rule.expr.replace("[2m]", "[2m")), []);
    assert.notDeepEqual(promqlProblems(rule.expr.replace("- on()", "- on(")), []);
    assert.notDeepEqual(promqlProblems(rule.expr.replace("rate(", "rates(")), []);
    // Well-formed text, wrong types: rate of an instant vector, as Prometheus' own checker refuses it.
    assert.notDeepEqual(promqlProblems(rule.expr.replace(/\[2m\]/g, "")), []);
  });
});
