import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Monitoring, type MonitoringArgs, validateMonitoringArgs } from "../../../components/platform/monitoring";
import { gatewayPodMonitorSpec, kubePrometheusStackValues, retentionSize } from "../../../components/platform/monitoringValues";
import type { RouteThrough } from "../../../components/platform/uiRoute";
import { assertValidObjects } from "../../kubernetesSchemas";
import { manifestsOf, render, type Rendered, testProvider } from "../../harness";

function renderMonitoring(args: MonitoringArgs): Promise<Rendered> {
  return render(() => new Monitoring("monitoring", args, { provider: testProvider() }));
}

const GATEWAY: RouteThrough = {
  controller: "envoy-gateway",
  name: "platform",
  namespace: "gateway-system",
  listener: "http",
  https: false,
  ready: [],
};
const valuesOf = (out: Rendered) => out.named("monitoring-stack").inputs["values"] as any;

describe("monitoring values", () => {
  const sizes: Array<[string, string]> = [
    ["100Gi", "85GB"],
    ["20Gi", "17GB"],
    ["5Gi", "4GB"],
    ["1Gi", "870MB"],
    ["512Mi", "435MB"],
  ];
  for (const [storage, expected] of sizes) {
    it(`stops Prometheus at ${expected} on a ${storage} volume`, () => assert.equal(retentionSize(storage), expected));
  }

  it("selects monitors and rules in every namespace, skips the CRDs, and hides managed control-plane scrapers", () => {
    const values = kubePrometheusStackValues({
      prometheus: {
        replicas: 2,
        retentionDays: 15,
        storage: "100Gi",
        storageClass: "alicloud-disk-essd",
        resources: { cpu: "1", memory: "8Gi" },
      },
      alertmanager: { replicas: 3, storage: "20Gi" },
      grafana: { replicas: 2 },
      zones: 3,
      nodeExporterNamespace: "node-exporter",
      alertmanagerConfigSecret: "am",
      grafanaAdminSecret: "ga",
      grafanaUrl: "https://grafana.example.com",
      retainVolumes: true,
    });
    const spec = values.prometheus.prometheusSpec;
    for (const key of [
      "serviceMonitorSelectorNilUsesHelmValues",
      "podMonitorSelectorNilUsesHelmValues",
      "ruleSelectorNilUsesHelmValues",
      "probeSelectorNilUsesHelmValues",
    ] as const) {
      assert.equal(spec[key], false, key);
    }
    assert.deepEqual([spec.retention, spec.retentionSize, spec.replicas], ["15d", "85GB", 2]);
    assert.equal(spec.storageSpec.volumeClaimTemplate.spec.storageClassName, "alicloud-disk-essd");
    assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
    assert.equal(values.prometheus.podDisruptionBudget.enabled, true);
    assert.equal(values.crds.enabled, false);
    for (const k of ["kubeEtcd", "kubeControllerManager", "kubeScheduler", "kubeProxy"] as const) assert.equal(values[k].enabled, false, k);
    assert.deepEqual(values.alertmanager.alertmanagerSpec.configSecret, "am");
    assert.equal(values.alertmanager.alertmanagerSpec.useExistingSecret, true);
    assert.deepEqual(values.grafana.admin, { existingSecret: "ga", userKey: "admin-user", passwordKey: "admin-password" });
    assert.equal((values.grafana["grafana.ini"] as any).server.root_url, "https://grafana.example.com");
    assert.equal("global" in values, false);
  });

  it("scrapes the gateway's Envoy proxies by their pod labels", () => {
    const spec = gatewayPodMonitorSpec("gateway-system");
    assert.deepEqual(spec.namespaceSelector, { matchNames: ["gateway-system"] });
    assert.deepEqual(spec.podMetricsEndpoints, [{ port: "metrics", path: "/stats/prometheus", interval: "30s" }]);
  });
});

describe("Monitoring", () => {
  it("by default installs the CRDs apart, the pinned stack, the platform's rules, and a generated Grafana password", async () => {
    const out = await renderMonitoring({});
    const crds = out.named("monitoring-crds");
    assert.deepEqual(
      [crds.type, crds.inputs["chart"], crds.inputs["version"]],
      ["kubernetes:helm.sh/v4:Chart", "prometheus-operator-crds", "31.0.1"],
    );
    const stack = out.named("monitoring-stack");
    assert.deepEqual(
      [stack.inputs["name"], stack.inputs["namespace"], stack.inputs["chart"], stack.inputs["version"], stack.inputs["skipCrds"]],
      ["kube-prometheus-stack", "monitoring", "kube-prometheus-stack", "88.5.4", true],
    );
    assert.ok(stack.dependsOn.includes(crds.urn));
    // Only node-exporter's namespace admits privileged pods: the stack itself runs under baseline.
    assert.equal(out.object("Namespace", "monitoring")["metadata"].labels["pod-security.kubernetes.io/enforce"], "baseline");
    assert.equal(out.object("Namespace", "node-exporter")["metadata"].labels["pod-security.kubernetes.io/enforce"], "privileged");
    assert.equal(valuesOf(out)["prometheus-node-exporter"].namespaceOverride, "node-exporter");
    assert.equal(out.ofType("random:index/randomPassword:RandomPassword").length, 1);
    assert.equal(out.object("Secret", "grafana-admin")["stringData"], "[secret]");
    assert.equal(out.object("Secret", "alertmanager-platform")["stringData"], "[secret]");
    assert.doesNotMatch(JSON.stringify(stack.inputs), /\[secret\]/, "no secret in the chart values");
    const groups = out.object("PrometheusRule", "ack-platform-alerts")["spec"].groups.map((g: { name: string }) => g.name);
    assert.deepEqual(groups, ["ack-platform.workloads", "ack-platform.nodes"]);
    assert.equal(out.objects("PodMonitor").length, 0);
    for (const r of out.resources) assert.equal(r.protect, false);
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });

  it("takes a given Grafana password instead of generating one", async () => {
    const out = await renderMonitoring({ grafana: { adminPassword: "s3cret-from-config" } });
    assert.equal(out.ofType("random:index/randomPassword:RandomPassword").length, 0);
    assert.doesNotMatch(JSON.stringify(out.resources.map((r) => r.inputs)), /s3cret-from-config/);
  });

  it("scrapes the gateway and alerts on it, and routes Grafana at its host from private ranges", async () => {
    const out = await render(() => {
      const m = new Monitoring(
        "monitoring",
        { gatewayMetricsNamespace: "gateway-system", gateway: GATEWAY, grafana: { host: "grafana.example.com" } },
        { provider: testProvider() },
      );
      return { url: m.grafanaUrl };
    });
    assert.equal(out.outputs["url"], "http://grafana.example.com");
    assert.deepEqual(out.object("PodMonitor", "gateway-proxies")["spec"].namespaceSelector, { matchNames: ["gateway-system"] });
    const rules = out.object("PrometheusRule", "ack-platform-alerts")["spec"].groups;
    assert.equal(rules[2].name, "ack-platform.gateway");
    assert.match(rules[2].rules[2].expr, /job="monitoring\/gateway-proxies"/);
    assert.deepEqual(out.object("HTTPRoute", "grafana")["spec"].rules[0].backendRefs, [
      { name: "kube-prometheus-stack-grafana", port: 80 },
    ]);
    assert.equal(out.object("SecurityPolicy", "grafana")["spec"].authorization.defaultAction, "Deny");
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });

  it("in production protects the namespace, the CRDs and the release, and keeps Prometheus HA", async () => {
    const out = await renderMonitoring({
      prometheus: { replicas: 2, storage: "100Gi", retentionDays: 15 },
      alertmanager: { replicas: 3 },
      protectData: true,
    });
    for (const name of ["monitoring-namespace", "monitoring-crds", "monitoring-stack"]) {
      assert.deepEqual([out.named(name).protect, out.named(name).retainOnDelete], [true, true], name);
    }
    const values = valuesOf(out);
    assert.equal(values.prometheus.prometheusSpec.replicas, 2);
    assert.equal(values.alertmanager.alertmanagerSpec.replicas, 3);
    assert.equal(values.alertmanager.podDisruptionBudget.enabled, true);
  });

  it("writes the receivers into the Alertmanager Secret, secret URLs included", async () => {
    const out = await renderMonitoring({
      alertmanager: {
        receivers: [
          { name: "oncall", type: "dingtalk", url: "http://relay/dingtalk/ops/send", severities: ["critical"] },
          {
            name: "mail",
            type: "email",
            to: ["ops@example.com"],
            smarthost: "smtp.example.com:465",
            from: "alerts@example.com",
            password: "pw",
          },
        ],
      },
    });
    assert.equal(out.object("Secret", "alertmanager-platform")["stringData"], "[secret]");
    assert.doesNotMatch(JSON.stringify(out.resources.map((r) => r.inputs)), /relay\/dingtalk|"pw"/);
  });

  it("pulls every image from the mirror", async () => {
    const out = await renderMonitoring({ imageMirror: "acme.cn-hangzhou.cr.aliyuncs.com" });
    assert.deepEqual(valuesOf(out).global, { imageRegistry: "acme.cn-hangzhou.cr.aliyuncs.com" });
  });
});

describe("validateMonitoringArgs", () => {
  const cases: Array<[string, MonitoringArgs, RegExp]> = [
    ["six replicas", { prometheus: { replicas: 6 } }, /Monitoring prometheus.replicas: 6 is not an integer between 1 and 5/],
    ["a storage of 100GB", { prometheus: { storage: "100GB" } }, /Monitoring prometheus.storage: '100GB' is not a size/],
    [
      "a receiver named discard",
      { alertmanager: { receivers: [{ name: "discard", type: "webhook", url: "https://x" }] } },
      /Monitoring alertmanager.receivers\[0\].name: 'discard' is reserved for the alerts sent nowhere/,
    ],
    [
      "two receivers of one name",
      {
        alertmanager: {
          receivers: [
            { name: "ops", type: "webhook", url: "https://x" },
            { name: "ops", type: "webhook", url: "https://y" },
          ],
        },
      },
      /Monitoring alertmanager.receivers\[1\].name: 'ops' is already used by alertmanager.receivers\[0\]/,
    ],
    [
      "node-exporter in the monitoring namespace",
      { namespace: "monitoring", nodeExporterNamespace: "monitoring" },
      /Monitoring nodeExporterNamespace: 'monitoring' is the monitoring namespace: node-exporter's namespace admits privileged pods/,
    ],
    [
      "a webhook without a url",
      { alertmanager: { receivers: [{ name: "ops", type: "webhook" }] } },
      /Monitoring alertmanager.receivers\[0\].url: is required for a webhook receiver/,
    ],
    [
      "an e-mail without a server",
      { alertmanager: { receivers: [{ name: "m", type: "email", to: ["a@b.com"], from: "x@b.com" }] } },
      /Monitoring alertmanager.receivers\[0\].smarthost: is required for an email receiver/,
    ],
    [
      "a Grafana host without a gateway",
      { grafana: { host: "grafana.example.com" } },
      /Monitoring gateway: is required when grafana.host is set/,
    ],
    [
      "a 0% error threshold",
      { alerts: { gatewayErrorPercent: 0 } },
      /Monitoring alerts.gatewayErrorPercent: 0 is not an integer between 1 and 100/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what}`, () => assert.throws(() => validateMonitoringArgs(args), message));
  }
});

describe("Monitoring: zones, availability and disks", () => {
  it("spreads Prometheus and Alertmanager over zones, runs Grafana highly available, and keeps clients on one Grafana", async () => {
    const gateway = {
      controller: "envoy-gateway" as const,
      name: "platform",
      namespace: "gateway-system",
      listener: "https",
      https: true,
      ready: [],
    };
    const out = await render(
      () =>
        new Monitoring(
          "monitoring",
          { zones: ["a-1a", "a-1b"], grafana: { replicas: 2, host: "grafana.example.com" }, gateway },
          { provider: testProvider() },
        ),
    );
    const values = out.named("monitoring-stack").inputs["values"] as any;
    for (const spec of [values.prometheus.prometheusSpec, values.alertmanager.alertmanagerSpec]) {
      assert.equal(spec.topologySpreadConstraints[0].whenUnsatisfiable, "DoNotSchedule");
      assert.equal(spec.topologySpreadConstraints[0].nodeTaintsPolicy, "Honor");
    }
    assert.equal(values.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.resources.requests.storage, "20Gi");
    assert.equal(values.grafana.replicas, 2);
    assert.deepEqual(values.grafana.podDisruptionBudget, { minAvailable: 1 });
    const affinity = out.object("BackendTrafficPolicy", "grafana");
    assert.deepEqual(affinity["spec"].loadBalancer, { type: "ConsistentHash", consistentHash: { type: "SourceIP" } });
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });

  it("refuses an Alertmanager volume below its disk class's minimum", () => {
    assert.throws(
      () => validateMonitoringArgs({ alertmanager: { storage: "2Gi" }, prometheus: { storageClass: "alicloud-disk-essd" } }),
      /Monitoring alertmanager.storage: '2Gi' is not at least '20Gi', the minimum of a disk of storage class 'alicloud-disk-essd'/,
    );
  });
});
