import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_THRESHOLDS, gatewayRules, nodeRules, platformRuleGroups, workloadRules } from "../../../components/platform/alertRules";
import { alertmanagerConfig, type ResolvedReceiver } from "../../../components/platform/alertmanagerConfig";
import { promqlProblems } from "../../promql";

const ruleNamed = (name: string, groups = platformRuleGroups(DEFAULT_THRESHOLDS, "monitoring/gateway-proxies")) => {
  const rule = groups.flatMap((g) => g.rules).find((r) => r.alert === name);
  assert.ok(rule, `a rule named ${name}`);
  return rule;
};

describe("alert rules: the field's incidents from day one", () => {
  const expected: Array<[string, RegExp, "critical" | "warning"]> = [
    ["ContainerOOMKilled", /reason="OOMKilled"/, "warning"],
    ["PodCrashLooping", /reason="CrashLoopBackOff"/, "warning"],
    ["PodNotReady", /kube_pod_status_ready\{condition="false"\}/, "warning"],
    ["NodeMemoryPressure", /condition="MemoryPressure",status="true"/, "critical"],
    ["NodeDiskPressure", /condition="DiskPressure",status="true"/, "critical"],
    ["NodeHighTcpRetransmission", /node_netstat_Tcp_RetransSegs/, "warning"],
    ["PersistentVolumeNearlyFull", /kubelet_volume_stats_available_bytes/, "warning"],
    ["PersistentVolumeFull", /< 3/, "critical"],
    ["GatewayHigh5xxRate", /envoy_response_code_class="5"/, "critical"],
    ["GatewayHighLatency", /histogram_quantile\(0\.99, .*envoy_cluster_upstream_rq_time_bucket/, "warning"],
    ["GatewayMetricsMissing", /absent\(up\{job="monitoring\/gateway-proxies"\} == 1\)/, "warning"],
  ];
  for (const [name, expr, severity] of expected) {
    it(`${name} (${severity})`, () => {
      const rule = ruleNamed(name);
      assert.match(rule.expr, expr);
      assert.equal(rule.labels.severity, severity);
      assert.ok(rule.annotations.summary.length > 0 && rule.annotations.description.length > 0);
    });
  }

  it("puts the thresholds into the expressions", () => {
    const t = { gatewayErrorPercent: 2, gatewayP99Ms: 300, tcpRetransmitPercent: 4, volumeFreePercent: 15 };
    assert.match(gatewayRules(t, "j").rules[0]!.expr, /> 2\n/);
    assert.match(gatewayRules(t, "j").rules[1]!.expr, /> 300$/);
    assert.match(nodeRules(t).rules[2]!.expr, /> 4\n/);
    assert.match(workloadRules(t).rules[3]!.expr, /< 15\n/);
    assert.match(workloadRules(t).rules[3]!.annotations.summary, /15%/);
  });

  it("has gateway rules only where the gateway's metrics are scraped", () => {
    assert.deepEqual(
      platformRuleGroups(DEFAULT_THRESHOLDS).map((g) => g.name),
      ["ack-platform.workloads", "ack-platform.nodes"],
    );
    assert.deepEqual(
      platformRuleGroups(DEFAULT_THRESHOLDS, "m/g").map((g) => g.name),
      ["ack-platform.workloads", "ack-platform.nodes", "ack-platform.gateway"],
    );
  });

  it("writes expressions Prometheus parses and type-checks, whatever the thresholds", () => {
    const thresholds = [DEFAULT_THRESHOLDS, { gatewayErrorPercent: 0.5, gatewayP99Ms: 250, tcpRetransmitPercent: 2, volumeFreePercent: 5 }];
    for (const t of thresholds) {
      for (const rule of platformRuleGroups(t, "gateway-system/envoy-gateway-proxies").flatMap((g) => g.rules)) {
        assert.deepEqual(promqlProblems(rule.expr), [], `${rule.alert}: ${rule.expr}`);
      }
    }
  });

  it("gives every alert a unique name", () => {
    const names = platformRuleGroups(DEFAULT_THRESHOLDS, "m/g").flatMap((g) => g.rules.map((r) => r.alert));
    assert.equal(new Set(names).size, names.length);
  });
});

describe("alertmanager configuration", () => {
  it("discards everything when no receiver is configured", () => {
    const config = alertmanagerConfig([]);
    assert.equal(config.route.receiver, "discard");
    assert.deepEqual(config.receivers, [{ name: "discard" }]);
  });

  const cases: Array<[string, ResolvedReceiver, Record<string, unknown>, string[] | undefined]> = [
    [
      "a webhook for every severity",
      { name: "ops", type: "webhook", url: "https://hooks.example.com/alert" },
      { name: "ops", webhook_configs: [{ url: "https://hooks.example.com/alert", send_resolved: true, max_alerts: 20 }] },
      undefined,
    ],
    [
      "a DingTalk relay for critical alerts",
      { name: "oncall", type: "dingtalk", url: "http://dingtalk-relay:8060/dingtalk/ops/send", severities: ["critical"] },
      { name: "oncall", webhook_configs: [{ url: "http://dingtalk-relay:8060/dingtalk/ops/send", send_resolved: true, max_alerts: 20 }] },
      ['severity =~ "critical"'],
    ],
    [
      "an e-mail receiver with SMTP authentication over TLS",
      {
        name: "mail",
        type: "email",
        to: ["a@example.com", "b@example.com"],
        smarthost: "smtp.example.com:465",
        from: "alerts@example.com",
        password: "pw",
        severities: ["critical", "warning"],
      },
      {
        name: "mail",
        email_configs: [
          {
            to: "a@example.com, b@example.com",
            from: "alerts@example.com",
            smarthost: "smtp.example.com:465",
            auth_username: "alerts@example.com",
            auth_password: "pw",
            require_tls: true,
            send_resolved: true,
          },
        ],
      },
      ['severity =~ "critical|warning"'],
    ],
  ];
  for (const [what, receiver, expected, matchers] of cases) {
    it(`routes to ${what}`, () => {
      const config = alertmanagerConfig([receiver]);
      assert.deepEqual(config.receivers[1], expected);
      const route = config.route.routes[1] as { receiver: string; matchers?: string[]; continue: boolean };
      assert.equal(route.receiver, receiver.name);
      assert.deepEqual(route.matchers, matchers);
      assert.equal(route.continue, true);
    });
  }

  it("sends the heartbeat nowhere and lets a critical alert silence its warnings", () => {
    const config = alertmanagerConfig([{ name: "ops", type: "webhook", url: "https://x" }]);
    assert.deepEqual(config.route.routes[0], { receiver: "discard", matchers: ['alertname =~ "Watchdog|InfoInhibitor"'] });
    assert.deepEqual(config.inhibit_rules[0]!.equal, ["namespace", "alertname"]);
  });

  const refused: Array<[string, ResolvedReceiver[], RegExp]> = [
    ["a reserved name", [{ name: "discard", type: "webhook", url: "https://x" }], /receiver name 'discard' is reserved/],
    [
      "a name twice",
      [
        { name: "a", type: "webhook", url: "https://x" },
        { name: "a", type: "webhook", url: "https://y" },
      ],
      /receiver name 'a' is used twice/,
    ],
    ["a webhook without url", [{ name: "a", type: "webhook" }], /receiver 'a' of type webhook has no url/],
    [
      "an incomplete e-mail receiver",
      [{ name: "m", type: "email", to: ["a@example.com"] }],
      /email receiver 'm' needs to, smarthost and from/,
    ],
  ];
  for (const [what, receivers, message] of refused) {
    it(`refuses ${what}`, () => assert.throws(() => alertmanagerConfig(receivers), message));
  }
});
