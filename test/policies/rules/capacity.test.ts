import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkCapacity, declaredRequests, podRequests } from "../../../policies/lib/capacity";
import { instanceCapacity } from "../../../policies/lib/instanceTypes";
import { cpuCores, formatBytes, memoryBytes } from "../../../policies/lib/quantities";
import { capacityFitsNodePools } from "../../../policies/rules";
import { check, daemonSet, deployment, hpa, resource } from "../helpers";

describe("instanceCapacity", () => {
  const cases: Array<[string, number, number]> = [
    ["ecs.c7.large", 2, 4],
    ["ecs.g7.xlarge", 4, 16],
    ["ecs.g6.2xlarge", 8, 32],
    ["ecs.r7.4xlarge", 16, 128],
    ["ecs.hfc7.large", 2, 4],
    ["ecs.g8i.8xlarge", 32, 128],
    ["ecs.c7a.small", 1, 2],
    ["ecs.u1-c1m4.xlarge", 4, 16],
    ["ecs.t6-c1m1.large", 2, 2],
  ];
  for (const [type, vcpu, memoryGiB] of cases) {
    it(`reads ${type} as ${vcpu} vCPU and ${memoryGiB} GiB`, () => {
      assert.deepEqual(instanceCapacity(type), { vcpu, memoryGiB });
    });
  }
  it("refuses a family it does not know, naming the ones it does", () => {
    assert.throws(() => instanceCapacity("ecs.gn6i-c4g1.xlarge"), {
      name: "UnknownInstanceTypeError",
      message:
        "ECS instance type 'ecs.gn6i-c4g1.xlarge' is of family 'gn6i-c4g1', whose memory per vCPU the capacity check does not know: it knows the c (2 GiB per vCPU), g (4 GiB) and r (8 GiB) families of ECS_FAMILIES (ecs.g7.xlarge, ecs.hfc7.large), and '<family>-c1m<N>' (N GiB, ecs.u1-c1m4.xlarge)",
    });
  });
  it("refuses a size it does not know", () => {
    assert.throws(() => instanceCapacity("ecs.t5-lc2m1.nano"), {
      message: "ECS instance type 'ecs.t5-lc2m1.nano' has size 'nano', which is not small, large, xlarge or <k>xlarge",
    });
  });
  it("refuses a name that is not an instance type", () => {
    assert.throws(() => instanceCapacity("g7.xlarge"), {
      message: "ECS instance type 'g7.xlarge' is not of the form 'ecs.<family>.<size>', such as 'ecs.g7.xlarge'",
    });
  });
});

describe("quantities", () => {
  it("reads CPU and memory as the API server does", () => {
    assert.equal(cpuCores("250m"), 0.25);
    assert.equal(cpuCores("1.5"), 1.5);
    assert.equal(cpuCores(2), 2);
    assert.equal(memoryBytes("512Mi"), 512 * 2 ** 20);
    assert.equal(memoryBytes("1G"), 1e9);
    assert.equal(memoryBytes("1e3"), 1000);
    assert.equal(memoryBytes("1GB"), undefined);
    assert.equal(formatBytes(1.5 * 2 ** 30), "1.5Gi");
  });
});

describe("podRequests and declaredRequests", () => {
  it("takes the larger of the containers together and the largest init container", () => {
    const spec = {
      containers: [
        { resources: { requests: { cpu: "250m", memory: "256Mi" } } },
        { resources: { requests: { cpu: "250m", memory: "256Mi" } } },
      ],
      initContainers: [{ resources: { requests: { cpu: "2", memory: "128Mi" } } }],
    };
    assert.deepEqual(podRequests(spec), { cpu: 2, memory: 512 * 2 ** 20 });
  });
  it("multiplies chart values by replicas, replicaCount or count, and by the nodes for a DaemonSet", () => {
    const values = {
      controller: { replicaCount: 2, resources: { requests: { cpu: "100m", memory: "128Mi" } } },
      prometheus: { prometheusSpec: { replicas: 3, resources: { requests: { cpu: "1", memory: "4Gi" } } } },
      agent: { kind: "DaemonSet", resources: { requests: { cpu: "50m", memory: "64Mi" } } },
      nodeSets: [{ count: 3, podTemplate: { spec: { containers: [{ resources: { requests: { cpu: "2", memory: "8Gi" } } }] } } }],
    };
    const r = declaredRequests(values, 10);
    assert.equal(Math.round(r.cpu * 1000), 200 + 3000 + 500 + 6000);
    assert.equal(r.memory, (256 + 12 * 1024 + 640 + 24 * 1024) * 2 ** 20);
  });
  it("keeps headroom free of requests", () => {
    const pools = [{ name: "general", instanceType: "ecs.g7.xlarge", maxNodes: 2, vcpu: 4, memoryGiB: 16 }];
    const verdict = checkCapacity({ cpu: 6.5, memory: 20 * 2 ** 30 }, pools, 20);
    assert.deepEqual(verdict.usable, { cpu: 6.4, memory: 25.6 * 2 ** 30 });
    assert.equal(verdict.cpuFits, false);
    assert.equal(verdict.memoryFits, true);
  });
});

function nodePool(maxSize: number, instanceTypes = ["ecs.g7.xlarge", "ecs.g6.xlarge"]) {
  return resource(
    "alicloud:cs/nodePool:NodePool",
    { nodePoolName: "general", instanceTypes, scalingConfig: { enable: true, minSize: 2, maxSize } },
    { name: "general" },
  );
}

describe("capacity-fits-node-pools", () => {
  // orders: 250m and 512Mi per pod, 6 pods at the autoscaler's maximum = 1.5 vCPU, 3Gi;
  // the agent DaemonSet: 250m, 512Mi on each of the pool's nodes.
  const services = () => [deployment(), hpa(), daemonSet()];
  it("passes services and add-ons that fit the pools at their maximum with headroom", () => {
    const release = resource("kubernetes:helm.sh/v3:Release", {
      chart: "kube-prometheus-stack",
      namespace: "monitoring",
      values: { prometheus: { prometheusSpec: { replicas: 2, resources: { requests: { cpu: "1", memory: "4Gi" } } } } },
    });
    assert.deepEqual(check(capacityFitsNodePools, [...services(), release, nodePool(2)]), []);
  });
  it("does not apply to a stack without node pools", () => {
    assert.deepEqual(check(capacityFitsNodePools, services()), []);
  });
  it("names what does not fit, the pools, the headroom and the largest demands", () => {
    const big = resource("kubernetes:helm.sh/v3:Release", {
      chart: "elasticsearch",
      name: "logs",
      namespace: "logging",
      values: { replicas: 3, resources: { requests: { cpu: "2", memory: "4Gi" } } },
    });
    assert.deepEqual(check(capacityFitsNodePools, [...services(), big, nodePool(2)]), [
      "at peak, with every autoscaler at maxReplicas, the stack requests 8 vCPU and 16Gi of memory, but the node pools at their maximum (general: 2 × ecs.g7.xlarge) hold 8 vCPU and 32Gi of memory, of which 80% may be requested (20% headroom): 6.4 vCPU and 25.6Gi of memory; CPU does not fit. Largest demands: Helm release 'logging/logs' 6 vCPU, 12Gi; Deployment 'apps/orders' 1.5 vCPU, 3Gi; DaemonSet 'kube-system/agent' 0.5 vCPU, 1Gi. Raise a node pool's maximum size, use larger instance types, or lower maxReplicas",
    ]);
  });
  it("takes the headroom from the config", () => {
    const big = resource("kubernetes:helm.sh/v3:Release", {
      chart: "elasticsearch",
      name: "logs",
      namespace: "logging",
      values: { replicas: 3, resources: { requests: { cpu: "2", memory: "4Gi" } } },
    });
    assert.deepEqual(check(capacityFitsNodePools, [...services(), big, nodePool(2)], { config: { headroomPercent: 0 } }), []);
  });
  it("counts the smallest of a pool's instance types", () => {
    assert.equal(check(capacityFitsNodePools, [...services(), nodePool(1, ["ecs.g7.2xlarge", "ecs.c7.large"])]).length, 1);
  });
  it("names an instance type whose capacity it cannot read", () => {
    assert.deepEqual(check(capacityFitsNodePools, [...services(), nodePool(2, ["ecs.gn6i-c4g1.xlarge"])]), [
      "node pool 'general': ECS instance type 'ecs.gn6i-c4g1.xlarge' is of family 'gn6i-c4g1', whose memory per vCPU the capacity check does not know: it knows the c (2 GiB per vCPU), g (4 GiB) and r (8 GiB) families of ECS_FAMILIES (ecs.g7.xlarge, ecs.hfc7.large), and '<family>-c1m<N>' (N GiB, ecs.u1-c1m4.xlarge); the capacity check needs it, so use a type it knows or disable capacity-fits-node-pools for this stack with a reason",
    ]);
  });
  it("names a pool without instance types", () => {
    assert.deepEqual(check(capacityFitsNodePools, [...services(), nodePool(2, [])]), [
      "node pool 'general' names no instance types, so its capacity is unknown; set instanceTypes",
    ]);
  });
});

describe("capacity-fits-node-pools with pods placed on pools", () => {
  const pool = (name: string, maxSize: number, labels: Record<string, string> = {}, taints: Array<Record<string, string>> = []) =>
    resource(
      "alicloud:cs/nodePool:NodePool",
      {
        nodePoolName: name,
        instanceTypes: ["ecs.c7.large"],
        scalingConfig: { enable: true, minSize: 0, maxSize },
        labels: Object.entries(labels).map(([key, value]) => ({ key, value })),
        taints,
      },
      { name },
    );
  const MEDIA = { "acme.example.com/pool": "media" };
  const TAINT = { key: "acme.example.com/dedicated", value: "media", effect: "NoSchedule" };
  // 6 pods of 250m and 512Mi: 1.5 vCPU, 3Gi.
  const transcoder = (placement: { nodeSelector?: Record<string, string>; tolerations?: Array<Record<string, string>> }) =>
    deployment((d) => {
      d.metadata.name = "transcoder";
      d.spec.replicas = 6;
      Object.assign(d.spec.template.spec, placement);
    });
  const placed = transcoder({
    nodeSelector: MEDIA,
    tolerations: [{ key: TAINT.key, operator: "Equal", value: "media", effect: "NoSchedule" }],
  });

  it("passes pods that fit the pool they are placed on", () => {
    assert.deepEqual(check(capacityFitsNodePools, [placed, pool("general", 4), pool("media", 2, MEDIA, [TAINT])]), []);
  });

  it("names the pool that holds too little for the pods kept to it, though the pools together would hold them", () => {
    // media: 1 × ecs.c7.large = 2 vCPU and 4Gi, 80% usable: 1.6 vCPU and 3.2Gi; the transcoder asks 1.5 vCPU and 3Gi, orders 1.5 and 3Gi more.
    const tight = transcoder({ nodeSelector: MEDIA, tolerations: [{ key: TAINT.key, operator: "Exists" }] });
    const orders = deployment((d) => (d.spec.replicas = 6));
    assert.deepEqual(check(capacityFitsNodePools, [tight, orders, pool("general", 10), pool("media", 1, MEDIA, [TAINT])]), []);
    const bigger = transcoder({ nodeSelector: MEDIA, tolerations: [{ key: TAINT.key, operator: "Exists" }] });
    (bigger.inputs as any).spec.replicas = 8;
    assert.deepEqual(check(capacityFitsNodePools, [bigger, pool("general", 10), pool("media", 1, MEDIA, [TAINT])]), [
      "at peak, with every autoscaler at maxReplicas, the workloads that can run only on node pool 'media' (by their node selector and tolerations) request 2 vCPU and 4Gi of memory, but that pool at its maximum (media: 1 × ecs.c7.large) holds 2 vCPU and 4Gi of memory, of which 80% may be requested (20% headroom): 1.6 vCPU and 3.2Gi of memory; neither CPU nor memory fits. Largest demands: Deployment 'apps/transcoder' 2 vCPU, 4Gi. Raise that pool's maximum size, use larger instance types there, or lower maxReplicas",
    ]);
  });

  it("keeps untainted pods off a tainted pool", () => {
    // 12 pods of 250m/512Mi (3 vCPU, 6Gi) only fit general (2 × c7.large: 3.2 vCPU, 6.4Gi usable)... with the media pool they would not be needed.
    const orders = deployment((d) => (d.spec.replicas = 14));
    assert.equal(check(capacityFitsNodePools, [orders, pool("general", 2), pool("media", 10, MEDIA, [TAINT])]).length, 1);
    assert.deepEqual(check(capacityFitsNodePools, [orders, pool("general", 2), pool("spare", 10)]), []);
  });

  it("names pods that no pool takes: a selector no pool matches, or a taint not tolerated", () => {
    const unmatched = transcoder({ nodeSelector: { "acme.example.com/pool": "gpu" } });
    assert.deepEqual(check(capacityFitsNodePools, [unmatched, pool("general", 4), pool("media", 2, MEDIA, [TAINT])]), [
      "Deployment 'apps/transcoder' selects nodes labelled acme.example.com/pool=gpu but no node pool has both those labels and taints it tolerates (general: no labels | media: acme.example.com/pool=media; taints acme.example.com/dedicated:NoSchedule), so its pods stay Pending; give it a pool's labels and tolerations, or such a pool",
    ]);
    const untolerated = transcoder({ nodeSelector: MEDIA });
    assert.equal(check(capacityFitsNodePools, [untolerated, pool("general", 4), pool("media", 2, MEDIA, [TAINT])]).length, 1);
  });
});
