import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { addonProblems, clusterAddons, TERWAY_CONFIG } from "../../../components/cloud/clusterAddons";
import {
  anyPoolAutoscales,
  autoscalerPriorities,
  CAPACITY_LABEL,
  isLabelKey,
  nodePoolProblems,
  nodePoolSetProblems,
  type NodePoolSettings,
  nodePoolSpec,
} from "../../../components/cloud/nodePoolPlan";

const GENERAL: NodePoolSettings = { name: "general", instanceTypes: ["ecs.g7.xlarge", "ecs.g6.xlarge"], min: 2, max: 6 };
const BURST: NodePoolSettings = {
  name: "burst",
  instanceTypes: ["ecs.c7.2xlarge", "ecs.c6.2xlarge", "ecs.g7.2xlarge"],
  min: 0,
  max: 20,
  spot: true,
};

describe("nodePoolSpec", () => {
  it("autoscales an on-demand pool between min and max, spread evenly over the zones, repaired and never upgraded", () => {
    assert.deepEqual(
      nodePoolSpec({ ...GENERAL, labels: { "acme.com/team": "shop" }, taints: [{ key: "acme.com/dedicated", value: "shop" }] }),
      {
        nodePoolName: "general",
        instanceTypes: ["ecs.g7.xlarge", "ecs.g6.xlarge"],
        systemDiskCategory: "cloud_essd",
        systemDiskSize: 120,
        instanceChargeType: "PostPaid",
        runtimeName: "containerd",
        labels: [
          { key: "acme.com/team", value: "shop" },
          { key: CAPACITY_LABEL, value: "on-demand" },
        ],
        taints: [{ key: "acme.com/dedicated", value: "shop", effect: "NoSchedule" }],
        scalingConfig: { enable: true, minSize: 2, maxSize: 6, type: "cpu" },
        management: { enable: true, autoRepair: true, autoRepairPolicy: { restartNode: true }, autoUpgrade: false, maxUnavailable: 1 },
        multiAzPolicy: "BALANCE",
        spotStrategy: "NoSpot",
      },
    );
  });

  it("buys the cheapest spot capacity for a burst pool, and falls back to on-demand when spot runs out", () => {
    const spec = nodePoolSpec(BURST);
    assert.equal(spec.spotStrategy, "SpotAsPriceGo");
    assert.equal(spec.multiAzPolicy, "COST_OPTIMIZED");
    assert.equal(spec.spotInstancePools, 3);
    assert.equal(spec.spotInstanceRemedy, true);
    assert.equal(spec.compensateWithOnDemand, true);
    assert.deepEqual(spec.scalingConfig, { enable: true, minSize: 0, maxSize: 20, type: "spot" });
    assert.deepEqual(spec.labels, [{ key: CAPACITY_LABEL, value: "spot" }]);
  });

  it("keeps a pool of fixed size when min equals max, with a desired size and no scaling config", () => {
    const spec = nodePoolSpec({ ...GENERAL, min: 3, max: 3, systemDiskCategory: "cloud_auto", systemDiskGb: 200 });
    assert.equal(spec.scalingConfig, undefined);
    assert.equal(spec.desiredSize, "3");
    assert.equal(spec.systemDiskCategory, "cloud_auto");
    assert.equal(spec.systemDiskSize, 200);
  });

  it("never sets a desired size together with a scaling config (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 1000 }), fc.boolean(), (min, max, spot) => {
        fc.pre(min <= max);
        const spec = nodePoolSpec({ ...GENERAL, min, max, spot });
        assert.ok((spec.scalingConfig === undefined) !== (spec.desiredSize === undefined));
        if (spec.scalingConfig) assert.ok(spec.scalingConfig.minSize < spec.scalingConfig.maxSize);
        assert.equal(spec.labels.filter((l) => l.key === CAPACITY_LABEL).length, 1);
      }),
    );
  });
});

describe("node pool checks", () => {
  it("accepts the defaults", () => {
    assert.deepEqual(nodePoolProblems(GENERAL), []);
    assert.deepEqual(nodePoolSetProblems([GENERAL, BURST]), []);
  });

  it("names each wrong field with its value", () => {
    assert.deepEqual(
      nodePoolProblems({
        name: "General",
        instanceTypes: ["g7.xlarge"],
        systemDiskGb: 20,
        min: 5,
        max: 3,
        labels: { "bad key": "x", [CAPACITY_LABEL]: "spot", ok: "a value with spaces" },
        taints: [{ key: "-x", value: "y" }],
      }),
      [
        { path: ["name"], message: "'General' is not a name of 1 to 30 characters of a-z, 0-9 and '-', starting with a letter" },
        {
          path: ["instanceTypes", 0],
          message: "'g7.xlarge' is not an ECS instance type such as 'ecs.g7.xlarge'; did you mean 'ecs.g7.xlarge'?",
        },
        { path: ["systemDiskGb"], message: "20 is not between 40 and 2048" },
        { path: ["min"], message: "5 is greater than max 3" },
        { path: ["labels", "bad key"], message: "'bad key' is not a Kubernetes label key such as 'example.com/role'" },
        { path: ["labels", CAPACITY_LABEL], message: "is set by the platform from 'spot'; remove it" },
        { path: ["labels", "ok"], message: "'a value with spaces' is not a label value (at most 63 of A-Z, a-z, 0-9, '-', '_' and '.')" },
        { path: ["taints", 0, "key"], message: "'-x' is not a Kubernetes taint key such as 'example.com/dedicated'" },
      ],
    );
  });

  it("refuses repeated names, and pools that are all spot", () => {
    assert.deepEqual(nodePoolSetProblems([GENERAL, { ...GENERAL }]), [
      { path: [1, "name"], message: "'general' is already used by nodePools[0]" },
    ]);
    assert.deepEqual(nodePoolSetProblems([BURST]), [
      { path: [], message: "needs at least one pool that is not spot: spot instances can all be reclaimed at once" },
    ]);
    assert.deepEqual(nodePoolSetProblems([]), [{ path: [], message: "needs at least 1 node pool, got 0" }]);
  });

  it("knows Kubernetes label keys", () => {
    for (const key of ["app", "acme.com/team", "kubernetes.io/os", "a_b.c-d"]) assert.ok(isLabelKey(key), key);
    for (const key of ["", "-a", "a/", "/a", "Acme.com/x", `${"a".repeat(64)}`, "a b"]) assert.ok(!isLabelKey(key), key);
  });
});

describe("autoscaler", () => {
  it("grows spot pools first, then on-demand ones", () => {
    assert.deepEqual(autoscalerPriorities([GENERAL, BURST]), { "20": ["burst"], "10": ["general"] });
    assert.equal(autoscalerPriorities([GENERAL]), undefined);
    assert.deepEqual(autoscalerPriorities([{ ...GENERAL, min: 3, max: 3 }, BURST]), { "20": ["burst"] });
  });

  it("is configured only when a pool autoscales", () => {
    assert.equal(anyPoolAutoscales([{ ...GENERAL, min: 2, max: 2 }]), false);
    assert.equal(anyPoolAutoscales([{ ...GENERAL, min: 2, max: 2 }, BURST]), true);
  });
});

describe("clusterAddons", () => {
  it("gives Terway with network policies, the disk CSI driver, and turns off what the platform replaces", () => {
    assert.deepEqual(clusterAddons("terway"), [
      { name: "terway-eniip", config: TERWAY_CONFIG },
      { name: "csi-plugin" },
      { name: "csi-provisioner" },
      { name: "nginx-ingress-controller", disabled: true },
      { name: "logtail-ds", disabled: true },
    ]);
    assert.equal(JSON.parse(TERWAY_CONFIG).NetworkPolicy, "true");
  });

  it("gives Flannel instead, and appends extra add-ons; naming a replaced one turns it back on", () => {
    const addons = clusterAddons("flannel", [
      { name: "logtail-ds", config: '{"IngressDashboardEnabled":"true"}' },
      { name: "ack-node-problem-detector" },
    ]);
    assert.deepEqual(
      addons.map((a) => a.name),
      ["flannel", "csi-plugin", "csi-provisioner", "nginx-ingress-controller", "logtail-ds", "ack-node-problem-detector"],
    );
    assert.equal(addons.find((a) => a.name === "logtail-ds")!.disabled, undefined);
    assert.ok(!addons.some((a) => a.name === "terway-eniip"));
  });

  it("refuses a second network plugin, a repeated add-on and a config that is not JSON", () => {
    assert.deepEqual(addonProblems("terway", [{ name: "flannel" }, { name: "csi-plugin" }, { name: "x", config: "{oops" }]), [
      { index: 0, message: "'flannel' is a network plugin; choose it with cni ('terway' gives 'terway-eniip')" },
      { index: 1, message: "'csi-plugin' is already in the list" },
      { index: 2, message: "the config of 'x' is not JSON" },
    ]);
  });
});
