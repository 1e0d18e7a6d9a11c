/**
 * The forms of a service's workload: several ports and protocols, probes of any kind, workers,
 * stateful services with a disk per replica, shared mounts and placement on a node pool.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MicroserviceArgs } from "../../../components/workload/args";
import { Microservice } from "../../../components/workload/microservice";
import { planMicroservice } from "../../../components/workload/plan";
import { render, type Rendered, testProvider } from "../../harness";
import { assertValidObjects } from "../../kubernetesSchemas";

const BASE: MicroserviceArgs = {
  namespace: "apps",
  image: "registry.example.com/acme/push:2.1.0",
  version: "2.1.0",
  resources: { cpu: "250m", memory: "512Mi" },
};

async function service(args: Partial<MicroserviceArgs>, name = "push"): Promise<Rendered> {
  const out = await render(() => new Microservice(name, { ...BASE, ...args }, { provider: testProvider() }));
  await assertValidObjects(out.objects());
  return out;
}
const container = (workload: Record<string, any>) => workload["spec"].template.spec.containers[0];
const roles = (args: Partial<MicroserviceArgs>, name = "push") => planMicroservice(name, { ...BASE, ...args }).map((o) => o.role);

describe("a service's ports and protocols", () => {
  it("keeps the single port form: one http port 8080, Service port 80", async () => {
    const out = await service({});
    assert.deepEqual(container(out.object("Deployment", "push")).ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    assert.deepEqual(out.object("Service", "push")["spec"].ports, [
      { name: "http", port: 80, targetPort: "http", protocol: "TCP", appProtocol: "http" },
    ]);
  });

  it("declares every port on the container and the Services, each with its protocol", async () => {
    const out = await service({
      ports: [
        { name: "push", port: 9000, protocol: "tcp" },
        { name: "rpc", port: 9090, protocol: "grpc" },
        { name: "http", port: 8080 },
      ],
    });
    assert.deepEqual(container(out.object("Deployment", "push")).ports, [
      { name: "push", containerPort: 9000, protocol: "TCP" },
      { name: "rpc", containerPort: 9090, protocol: "TCP" },
      { name: "http", containerPort: 8080, protocol: "TCP" },
    ]);
    assert.deepEqual(out.object("Service", "push")["spec"].ports, [
      { name: "push", port: 9000, targetPort: "push", protocol: "TCP" },
      { name: "rpc", port: 9090, targetPort: "rpc", protocol: "TCP", appProtocol: "kubernetes.io/h2c" },
      { name: "http", port: 80, targetPort: "http", protocol: "TCP", appProtocol: "http" },
    ]);
  });

  it("probes by HTTP on the http port, by default", async () => {
    const c = container(
      (
        await service({
          ports: [
            { name: "push", port: 9000, protocol: "tcp" },
            { name: "admin", port: 8081 },
          ],
        })
      ).object("Deployment", "push"),
    );
    assert.deepEqual(c.readinessProbe.httpGet, { path: "/ready", port: "admin" });
    assert.deepEqual(c.livenessProbe.httpGet, { path: "/healthz", port: "admin" });
  });

  it("probes a gRPC service by gRPC health for readiness and a TCP connection for liveness", async () => {
    const c = container((await service({ ports: [{ name: "rpc", port: 9090, protocol: "grpc" }] })).object("Deployment", "push"));
    assert.deepEqual(c.readinessProbe.grpc, { port: 9090 });
    assert.deepEqual(c.livenessProbe.tcpSocket, { port: "rpc" });
  });

  it("takes any check on any port: tcp, grpc with a service name, exec, and a startup check of its own", async () => {
    const c = container(
      (
        await service({
          ports: [
            { name: "push", port: 9000, protocol: "tcp" },
            { name: "rpc", port: 9090, protocol: "grpc" },
          ],
          health: {
            readiness: { type: "grpc", port: "rpc", service: "push.v1.Push" },
            liveness: { type: "exec", command: ["/bin/push-health", "--alive"] },
            startup: { type: "tcp", port: "push" },
          },
        })
      ).object("Deployment", "push"),
    );
    assert.deepEqual(c.readinessProbe.grpc, { port: 9090, service: "push.v1.Push" });
    assert.deepEqual(c.livenessProbe.exec, { command: ["/bin/push-health", "--alive"] });
    // An explicit startup check holds liveness off for at least a minute.
    assert.deepEqual(c.startupProbe, { tcpSocket: { port: "push" }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 12 });
  });

  it("runs the command and arguments it is given", async () => {
    const c = container((await service({ command: ["/app/push"], args: ["--listen", ":9000"] })).object("Deployment", "push"));
    assert.deepEqual([c.command, c.args], [["/app/push"], ["--listen", ":9000"]]);
  });
});

describe("a worker", () => {
  const worker: Partial<MicroserviceArgs> = {
    type: "worker",
    command: ["/app/orders", "consume"],
    health: { liveness: { type: "exec", command: ["/app/orders", "alive"] } },
  };

  it("is a Deployment with no port, no Service and no readiness probe, disrupted one pod at a time", async () => {
    const out = await service(worker, "order-events");
    assert.deepEqual(roles(worker, "order-events"), ["deployment", "pdb"]);
    const c = container(out.object("Deployment", "order-events"));
    assert.equal(c.ports, undefined);
    assert.equal(c.readinessProbe, undefined);
    assert.deepEqual(c.livenessProbe.exec, { command: ["/app/orders", "alive"] });
    assert.equal(out.objects("Service").length, 0);
  });

  it("records why it has no probe, where the policy pack reads it", async () => {
    const out = await service({ type: "worker", health: { unprobed: "exits when its broker connection drops" } }, "order-events");
    const deployment = out.object("Deployment", "order-events");
    assert.equal(deployment["metadata"].annotations["ack-platform/unprobed"], "exits when its broker connection drops");
    assert.equal(container(deployment).livenessProbe, undefined);
  });

  it("autoscales like a web service", async () => {
    const out = await service({ ...worker, replicas: { min: 2, max: 6 } }, "order-events");
    assert.equal(out.object("HorizontalPodAutoscaler", "order-events")["spec"].maxReplicas, 6);
  });
});

describe("a stateful service", () => {
  const stateful: Partial<MicroserviceArgs> = {
    type: "stateful",
    ports: [{ name: "http", port: 8080 }],
    replicas: { min: 3 },
    disks: [{ name: "data", size: "50Gi", mountPath: "/var/lib/search", storageClass: "ack-platform-essd" }],
  };

  it("is a StatefulSet with a disk per replica, kept when deleted or scaled in, behind a headless and a ClusterIP Service", async () => {
    const out = await service(stateful, "search-index");
    assert.deepEqual(roles(stateful, "search-index"), ["statefulset", "service", "headless-service", "pdb"]);
    const set = out.object("StatefulSet", "search-index");
    assert.equal(set["spec"].serviceName, "search-index-headless");
    assert.equal(set["spec"].replicas, 3);
    assert.deepEqual(set["spec"].updateStrategy, { type: "RollingUpdate" });
    assert.deepEqual(set["spec"].persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
    assert.deepEqual(set["spec"].volumeClaimTemplates[0].spec, {
      accessModes: ["ReadWriteOnce"],
      storageClassName: "ack-platform-essd",
      resources: { requests: { storage: "50Gi" } },
    });
    assert.deepEqual(container(set).volumeMounts, [
      { name: "tmp", mountPath: "/tmp" },
      { name: "data", mountPath: "/var/lib/search" },
    ]);
    const headless = out.object("Service", "search-index-headless");
    assert.equal(headless["spec"].clusterIP, "None");
    assert.equal(headless["spec"].publishNotReadyAddresses, true);
  });

  it("is protected when its data is, and its rollout is awaited one replica at a time", async () => {
    const out = await service({ ...stateful, protectData: true, health: { warmupSeconds: 60 } }, "search-index");
    assert.equal(out.named("search-index-statefulset").protect, true);
    assert.equal(out.named("search-index-service").protect, false);
    // Three replicas, one at a time, each 120 s to start, 60 s warm-up and 30 s to be ready.
    assert.equal(out.object("StatefulSet", "search-index")["metadata"].annotations["pulumi.com/timeoutSeconds"], "630");
    const unprotected = await service(stateful, "search-index");
    assert.equal(unprotected.named("search-index-statefulset").protect, false);
  });
});

describe("shared mounts and placement", () => {
  it("mounts shared claims, read-only or at a sub-directory, beside /tmp", async () => {
    const d = (
      await service({
        mounts: [
          { claim: "courseware", mountPath: "/data/courseware", readOnly: true },
          { claim: "uploads", mountPath: "/data/uploads", subPath: "push" },
        ],
      })
    ).object("Deployment", "push");
    assert.deepEqual(d["spec"].template.spec.volumes, [
      { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
      { name: "courseware", persistentVolumeClaim: { claimName: "courseware", readOnly: true } },
      { name: "uploads", persistentVolumeClaim: { claimName: "uploads" } },
    ]);
    assert.deepEqual(container(d).volumeMounts, [
      { name: "tmp", mountPath: "/tmp" },
      { name: "courseware", mountPath: "/data/courseware", readOnly: true },
      { name: "uploads", mountPath: "/data/uploads", subPath: "push" },
    ]);
  });

  it("runs on the nodes of a pool: its labels as node selector, tolerating its taints", async () => {
    const placement = {
      nodeSelector: { "acme.example.com/pool": "media" },
      tolerations: [{ key: "acme.example.com/dedicated", operator: "Equal", value: "media", effect: "NoSchedule" }] as const,
    };
    const spec = (await service({ placement })).object("Deployment", "push")["spec"].template.spec;
    assert.deepEqual(spec.nodeSelector, placement.nodeSelector);
    assert.deepEqual(spec.tolerations, placement.tolerations);
    const anywhere = (await service({})).object("Deployment", "push")["spec"].template.spec;
    assert.equal(anywhere.nodeSelector, undefined);
    assert.equal(anywhere.tolerations, undefined);
  });
});
