import assert from "node:assert/strict";
import { describe, it } from "node:test";
import YAML from "yaml";
import {
  apiServerUrl,
  baselineProblems,
  checkOfferedVersion,
  DEFAULT_CONTROL_PLANE_LOGS,
  kubeconfigWithServer,
  maintenanceWindowSpec,
} from "../../../components/cloud/clusterPlan";

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: ""
    certificate-authority-data: Y2E=
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: admin
  name: admin
current-context: admin
users:
- name: admin
  user:
    client-key-data: a2V5
`;

describe("the kubeconfig names the endpoint that exists", () => {
  it("sets every cluster's server, and leaves the rest as it was", () => {
    const out = YAML.parse(kubeconfigWithServer(KUBECONFIG, "https://10.30.0.5:6443"));
    const before = YAML.parse(KUBECONFIG);
    assert.equal(out.clusters[0].cluster.server, "https://10.30.0.5:6443");
    assert.equal(out.clusters[0].cluster["certificate-authority-data"], "Y2E=");
    assert.deepEqual({ ...out, clusters: undefined }, { ...before, clusters: undefined });
  });
  it("refuses a kubeconfig without a cluster", () => {
    assert.throws(() => kubeconfigWithServer("apiVersion: v1\nkind: Config\nclusters: []\n", "https://x"), /names no cluster/);
  });
  it("takes the provider's intranet endpoint as it is, a URL with its port", () => {
    assert.equal(apiServerUrl("https://10.0.0.5:6443"), "https://10.0.0.5:6443");
    assert.equal(apiServerUrl("10.0.0.5:6443"), "https://10.0.0.5:6443");
  });
});

describe("the version ACK offers", () => {
  it("passes an offered version, and names the offered ones, in order, otherwise", () => {
    assert.equal(checkOfferedVersion("1.35.2-aliyun.1", ["1.35.2-aliyun.1"], "cn-hangzhou"), "1.35.2-aliyun.1");
    assert.throws(
      () =>
        checkOfferedVersion("1.35.1-aliyun.1", ["1.35.2-aliyun.1", "1.9.9-aliyun.1", "1.34.10-aliyun.1", "1.34.9-aliyun.1"], "cn-hangzhou"),
      /'1\.35\.1-aliyun\.1' is not a version ACK offers for managed clusters in cn-hangzhou; offered: 1\.9\.9-aliyun\.1, 1\.34\.9-aliyun\.1, 1\.34\.10-aliyun\.1, 1\.35\.2-aliyun\.1\./,
    );
  });
});

describe("the baseline", () => {
  const LOGS = { audit: true, controlPlane: DEFAULT_CONTROL_PLANE_LOGS, retentionDays: 30 };
  const WINDOW = { weekdays: ["Tuesday" as const], start: "02:00", hours: 4, utcOffset: "+08:00" };
  it("a window is the provider's block: a fixed date, the start in its offset, hours, weekdays", () => {
    assert.deepEqual(maintenanceWindowSpec({ ...WINDOW, weekdays: ["Tuesday", "Saturday"] }), {
      enable: true,
      maintenanceTime: "2024-01-01T02:00:00.000+08:00",
      duration: "4h",
      weeklyPeriod: "Tuesday,Saturday",
    });
  });
  it("accepts the defaults on pro, and names each problem", () => {
    assert.deepEqual(baselineProblems("pro", LOGS, WINDOW), []);
    assert.deepEqual(baselineProblems("standard", { ...LOGS, controlPlane: [] }, false), []);
    assert.deepEqual(
      baselineProblems(
        "pro",
        { audit: true, controlPlane: ["apiserver", "apiserver"], retentionDays: 0, project: "A" },
        {
          weekdays: [],
          start: "25:00",
          hours: 30,
          utcOffset: "8",
        },
      ).map((p) => p.field),
      [
        "logs.controlPlane[1]",
        "logs.retentionDays",
        "logs.project",
        "maintenanceWindow.weekdays",
        "maintenanceWindow.start",
        "maintenanceWindow.hours",
        "maintenanceWindow.utcOffset",
      ],
    );
  });
});
