import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { claimNotShared, databaseClaimNotRwx, elasticsearchNodesInProd, statefulVolumesProtected } from "../../../policies/rules";
import { changed, check, daemonSet, deployment, hpa, resource, statefulSet } from "../helpers";

function claim(name: string, accessModes: string[], protect = true) {
  return resource(
    "kubernetes:core/v1:PersistentVolumeClaim",
    {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name, namespace: "apps" },
      spec: { accessModes, resources: { requests: { storage: "10Gi" } } },
    },
    { name, protect },
  );
}

function elasticsearch(change?: (e: any) => void, protect = true) {
  const object = {
    apiVersion: "elasticsearch.k8s.elastic.co/v1",
    kind: "Elasticsearch",
    metadata: { name: "logs", namespace: "logging" },
    spec: { version: "8.19.4", volumeClaimDeletePolicy: "DeleteOnScaledownOnly", nodeSets: [{ name: "default", count: 3 }] },
  };
  return resource("kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch", changed(object, change), { name: "logs", protect });
}

/** A workload that mounts a claim. */
function mounting(claimName: string, change?: (d: any) => void) {
  return deployment((d) => {
    d.spec.template.spec.volumes.push({ name: "data", persistentVolumeClaim: { claimName } });
    change?.(d);
  });
}

const database = (change?: (s: any) => void) =>
  statefulSet((s) => {
    s.spec.template.spec.containers[0].image = "registry.cn-hangzhou.aliyuncs.com/mirror/mysql:8.4.3";
    change?.(s);
  });

describe("stateful-volumes-protected", () => {
  it("passes protected claims, StatefulSets and Elasticsearch that keep their volumes", () => {
    assert.deepEqual(check(statefulVolumesProtected, [claim("data", ["ReadWriteOnce"]), statefulSet(), elasticsearch()]), []);
  });
  it("passes unprotected ones outside prod, and StatefulSets without volumes", () => {
    assert.deepEqual(check(statefulVolumesProtected, claim("data", ["ReadWriteOnce"], false), { environment: "staging" }), []);
    assert.deepEqual(
      check(
        statefulVolumesProtected,
        statefulSet((s) => delete s.spec.volumeClaimTemplates, { protect: false }),
      ),
      [],
    );
  });
  it("names an unprotected claim", () => {
    assert.deepEqual(check(statefulVolumesProtected, claim("data", ["ReadWriteOnce"], false)), [
      "the claim holds data but is not protected in prod; declare it with the resource option { protect: true }, so a destroy or a replacement cannot delete it",
    ]);
  });
  it("names an unprotected StatefulSet whose claims go with it", () => {
    assert.deepEqual(
      check(
        statefulVolumesProtected,
        statefulSet((s) => (s.spec.persistentVolumeClaimRetentionPolicy.whenDeleted = "Delete"), { protect: false }),
      ),
      [
        "the StatefulSet keeps data in volume claim templates but is not protected in prod; declare it with the resource option { protect: true }, so a destroy or a replacement cannot delete it",
        "spec.persistentVolumeClaimRetentionPolicy.whenDeleted is Delete, so deleting the StatefulSet deletes its data; set it to Retain",
      ],
    );
  });
  it("names an unprotected Elasticsearch whose volumes ECK deletes with it", () => {
    assert.deepEqual(
      check(
        statefulVolumesProtected,
        elasticsearch((e) => delete e.spec.volumeClaimDeletePolicy, false),
      ),
      [
        "the Elasticsearch cluster holds the logs but is not protected in prod; declare it with the resource option { protect: true }, so a destroy or a replacement cannot delete it",
        "spec.volumeClaimDeletePolicy is not set (ECK then deletes the volumes with the cluster); set it to DeleteOnScaledownOnly",
      ],
    );
  });
  it("names a persistent volume that is deleted with its claim", () => {
    const pv = resource("kubernetes:core/v1:PersistentVolume", { spec: { persistentVolumeReclaimPolicy: "Delete" } }, { protect: true });
    assert.deepEqual(check(statefulVolumesProtected, pv), [
      "its reclaim policy is Delete, so releasing the claim deletes the disk; set spec.persistentVolumeReclaimPolicy: Retain",
    ]);
    const unprotected = resource("kubernetes:core/v1:PersistentVolume", { spec: { persistentVolumeReclaimPolicy: "Retain" } });
    assert.deepEqual(check(statefulVolumesProtected, unprotected), [
      "the volume holds data but is not protected in prod; declare it with the resource option { protect: true }, so a destroy or a replacement cannot delete it",
    ]);
  });
});

describe("database-claim-not-rwx", () => {
  it("passes a database on ReadWriteOnce claims, and an application on a shared ReadWriteMany one", () => {
    assert.deepEqual(check(databaseClaimNotRwx, [database(), claim("uploads", ["ReadWriteMany"]), mounting("uploads")]), []);
  });
  it("names a database whose claim template is ReadWriteMany", () => {
    assert.deepEqual(
      check(
        databaseClaimNotRwx,
        database((s) => (s.spec.volumeClaimTemplates[0].spec.accessModes = ["ReadWriteMany"])),
      ),
      [
        "StatefulSet 'apps/db' runs a database (image 'registry.cn-hangzhou.aliyuncs.com/mirror/mysql:8.4.3') on volume claim template 'data', which is ReadWriteMany; use ReadWriteOnce (or ReadWriteOncePod), so no two pods ever write the same files",
      ],
    );
  });
  it("names a workload labelled a database that mounts a ReadWriteMany claim", () => {
    const db = mounting("shared", (d) => (d.spec.template.metadata.labels["ack-platform/role"] = "database"));
    assert.deepEqual(check(databaseClaimNotRwx, [claim("shared", ["ReadWriteMany"]), db]), [
      "Deployment 'apps/orders' runs a database (label ack-platform/role: database) on claim 'shared', which is ReadWriteMany; use ReadWriteOnce (or ReadWriteOncePod), so no two pods ever write the same files",
    ]);
  });
});

describe("claim-not-shared", () => {
  it("passes a claim mounted by one pod, a read-only mount and a ReadWriteMany claim", () => {
    const single = mounting("data", (d) => (d.spec.replicas = 1));
    const readOnly = mounting("config", (d) => {
      d.metadata.name = "reader";
      d.spec.template.spec.volumes[1].persistentVolumeClaim.readOnly = true;
    });
    assert.deepEqual(
      check(claimNotShared, [
        claim("data", ["ReadWriteOnce"]),
        single,
        claim("config", ["ReadWriteOnce"]),
        readOnly,
        claim("uploads", ["ReadWriteMany"]),
      ]),
      [],
    );
  });
  it("names a ReadWriteOnce claim mounted by every replica", () => {
    assert.deepEqual(check(claimNotShared, [claim("data", ["ReadWriteOnce"]), mounting("data")]), [
      "Deployment 'apps/orders' runs up to 3 pods, all mounting claim 'data' (ReadWriteOnce); give each replica its own volume (a StatefulSet volumeClaimTemplate), or run a single replica",
    ]);
  });
  it("counts the autoscaler's maximum, and a claim it does not see", () => {
    assert.deepEqual(check(claimNotShared, [mounting("data", (d) => (d.spec.replicas = 1)), hpa()]), [
      "Deployment 'apps/orders' runs up to 6 pods, all mounting claim 'data' (not declared in this stack); give each replica its own volume (a StatefulSet volumeClaimTemplate), or run a single replica",
    ]);
  });
  it("names a claim every pod of a DaemonSet mounts", () => {
    const agents = daemonSet((d) => {
      d.metadata.namespace = "apps";
      d.spec.template.spec.volumes.push({ name: "data", persistentVolumeClaim: { claimName: "data" } });
    });
    assert.deepEqual(check(claimNotShared, [claim("data", ["ReadWriteOnce"]), agents]), [
      "DaemonSet 'apps/agent' runs a pod on every node, all mounting claim 'data' (ReadWriteOnce); give each replica its own volume (a StatefulSet volumeClaimTemplate), or run a single replica",
    ]);
  });
  it("names a claim two workloads write", () => {
    const a = mounting("data", (d) => (d.spec.replicas = 1));
    const b = resource(
      "kubernetes:apps/v1:Deployment",
      changed(a.inputs, (d) => (d.metadata.name = "reports")),
      { name: "reports" },
    );
    assert.deepEqual(check(claimNotShared, [claim("data", ["ReadWriteOnce"]), a, b]), [
      "claim 'apps/data' is mounted for writing by Deployment 'apps/orders' and Deployment 'apps/reports'; give each workload its own claim",
    ]);
  });
});

describe("elasticsearch-nodes-in-prod", () => {
  it("passes 3 nodes over node sets, the chart's default, and 1 node outside prod", () => {
    const split = elasticsearch(
      (e) =>
        (e.spec.nodeSets = [
          { name: "masters", count: 1 },
          { name: "data", count: 2 },
        ]),
    );
    const chart = resource("kubernetes:helm.sh/v3:Release", { chart: "elasticsearch", values: {} });
    assert.deepEqual(check(elasticsearchNodesInProd, [split, chart]), []);
    assert.deepEqual(
      check(
        elasticsearchNodesInProd,
        elasticsearch((e) => (e.spec.nodeSets[0].count = 1)),
        { environment: "dev" },
      ),
      [],
    );
  });
  it("names a single-node cluster in prod", () => {
    assert.deepEqual(
      check(
        elasticsearchNodesInProd,
        elasticsearch((e) => (e.spec.nodeSets[0].count = 1)),
      ),
      [
        "the Elasticsearch cluster has 1 node in prod (the counts of spec.nodeSets); run at least 3, so losing one keeps a master quorum and a copy of every shard",
      ],
    );
  });
  it("names the elastic chart with 2 replicas, and leaves other charts alone", () => {
    const chart = resource("kubernetes:helm.sh/v3:Release", { chart: "elastic/elasticsearch", values: { replicas: 2 } });
    const other = resource("kubernetes:helm.sh/v3:Release", { chart: "grafana", values: { replicas: 1 } }, { name: "grafana" });
    assert.deepEqual(check(elasticsearchNodesInProd, [chart, other]), [
      "the Elasticsearch cluster has 2 nodes in prod (values.replicas); run at least 3, so losing one keeps a master quorum and a copy of every shard",
    ]);
  });
});
