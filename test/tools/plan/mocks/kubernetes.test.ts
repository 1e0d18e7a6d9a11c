import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { kubernetesEmulator, loadBalancerRefusal } from "../../../../tools/plan/mocks/kubernetes";
import type { EmulatorContext } from "../../../../tools/plan/mocks/types";

const ctx: EmulatorContext = { project: "ack-platform", stack: "test", stackOutputs: () => undefined };

/** What the provider answers for one Kubernetes object, the way the plan's mock runtime asks. */
function declare(name: string, type: string, inputs: Record<string, any>) {
  return kubernetesEmulator.resource({ type, name, inputs, custom: true }, ctx);
}
const object = (name: string, apiVersion: string, kind: string, body: Record<string, any>) => {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "core";
  const version = apiVersion.split("/").pop();
  return declare(name, `kubernetes:${group}/${version}:${kind}`, { apiVersion, kind, ...body });
};

const LB = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer";
const claim = (storageClassName: string, storage: string) => ({
  accessModes: ["ReadWriteOnce"],
  storageClassName,
  resources: { requests: { storage } },
});

describe("Kubernetes emulator: the cloud controller's load balancers", () => {
  it("gives a pay-by-CLCU LoadBalancer Service an address", () => {
    const res = object("lb", "v1", "Service", {
      metadata: { name: "lb", annotations: { [`${LB}-instance-charge-type`]: "PayByCLCU" } },
      spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
    });
    assert.match(res!.state["status"].loadBalancer.ingress[0].ip, /^47\./);
  });

  it("fails the plan for a pay-by-specification Service, which never gets an address", () => {
    assert.throws(
      () =>
        object("lb", "v1", "Service", {
          metadata: { name: "lb", annotations: { [`${LB}-instance-charge-type`]: "PayBySpec", [`${LB}-spec`]: "slb.s2.small" } },
          spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
        }),
      /lb: the cloud controller cannot create the load balancer: CLB pay-by-specification instances \(PayBySpec, slb.s2.small\) are no longer sold since 2025-06-01, so the Service never gets an address/,
    );
  });

  it("fails the plan for an EnvoyProxy whose Service would ask for pay-by-specification", () => {
    const proxy = (annotations: Record<string, string>) =>
      object("proxy", "gateway.envoyproxy.io/v1alpha1", "EnvoyProxy", {
        metadata: { name: "proxy", namespace: "gateway-system" },
        spec: { provider: { type: "Kubernetes", kubernetes: { envoyService: { type: "LoadBalancer", annotations } } } },
      });
    assert.throws(() => proxy({ [`${LB}-spec`]: "slb.s1.small" }), /proxy: the cloud controller cannot create the load balancer/);
    assert.ok(proxy({ [`${LB}-instance-charge-type`]: "PayByCLCU" }));
  });

  it("accepts a Service without billing annotations", () => {
    assert.equal(loadBalancerRefusal(undefined), undefined);
    assert.equal(loadBalancerRefusal({ [`${LB}-address-type`]: "intranet" }), undefined);
  });
});

describe("Kubernetes emulator: the disk driver's sizes", () => {
  const pvc = (name: string, storageClass: string, size: string) =>
    object(name, "v1", "PersistentVolumeClaim", { metadata: { name }, spec: claim(storageClass, size) });

  it("accepts a 20Gi claim on ESSD and any size on a class it does not know", () => {
    assert.ok(pvc("ok", "alicloud-disk-essd", "20Gi"));
    assert.ok(pvc("laptop", "standard", "1Gi"));
  });

  it("refuses a 2Gi PersistentVolumeClaim on ESSD, as the driver does", () => {
    assert.throws(
      () => pvc("small", "alicloud-disk-essd", "2Gi"),
      /small: the claim asks for '2Gi', which is not at least '20Gi', the minimum of a disk of storage class 'alicloud-disk-essd'/,
    );
  });

  it("learns the storage classes a program declares, and refuses below their category's minimum", () => {
    object("pl2", "storage.k8s.io/v1", "StorageClass", {
      metadata: { name: "essd-pl2" },
      provisioner: "diskplugin.csi.alibabacloud.com",
      parameters: { type: "cloud_essd", performanceLevel: "PL2" },
    });
    const statefulSet = (size: string) =>
      object("db", "apps/v1", "StatefulSet", {
        metadata: { name: "db" },
        spec: { serviceName: "db", volumeClaimTemplates: [{ metadata: { name: "data" }, spec: claim("essd-pl2", size) }] },
      });
    assert.throws(() => statefulSet("100Gi"), /db: volumeClaimTemplates 'data' asks for '100Gi', which is not at least '461Gi'/);
    assert.ok(statefulSet("500Gi"));
  });

  it("refuses an Elasticsearch node set's claim and kube-prometheus-stack's Alertmanager volume below the minimum", () => {
    assert.throws(
      () =>
        object("es", "elasticsearch.k8s.elastic.co/v1", "Elasticsearch", {
          metadata: { name: "logs" },
          spec: {
            version: "8.19.4",
            nodeSets: [
              {
                name: "default",
                count: 1,
                volumeClaimTemplates: [{ metadata: { name: "elasticsearch-data" }, spec: claim("alicloud-disk-ssd", "10Gi") }],
              },
            ],
          },
        }),
      /es: nodeSets 'default' claim 'elasticsearch-data' asks for '10Gi'/,
    );
    const release = (size: string) =>
      declare("stack", "kubernetes:helm.sh/v3:Release", {
        name: "kube-prometheus-stack",
        chart: "kube-prometheus-stack",
        version: "88.5.4",
        values: {
          alertmanager: { alertmanagerSpec: { storage: { volumeClaimTemplate: { spec: claim("alicloud-disk-topology-alltype", size) } } } },
        },
      });
    assert.throws(() => release("2Gi"), /stack: values alertmanager.alertmanagerSpec.storage asks for '2Gi', which is not at least '20Gi'/);
    assert.ok(release("20Gi"));
  });
});

describe("Kubernetes emulator: what the disk and NAS drivers mount", () => {
  it("leaves a disk claim for several nodes Pending, and takes one for one node", () => {
    assert.throws(
      () =>
        object("shared", "v1", "PersistentVolumeClaim", {
          metadata: { name: "shared" },
          spec: { ...claim("alicloud-disk-essd", "20Gi"), accessModes: ["ReadWriteMany"] },
        }),
      /shared: the claim asks disk class 'alicloud-disk-essd' for ReadWriteMany: the disk driver attaches a disk to one node at a time/,
    );
    assert.ok(object("one", "v1", "PersistentVolumeClaim", { metadata: { name: "one" }, spec: claim("alicloud-disk-essd", "20Gi") }));
    // A claim with no disk class (a NAS volume's) is shared by design.
    assert.ok(
      object("nas", "v1", "PersistentVolumeClaim", {
        metadata: { name: "nas" },
        spec: { ...claim("", "100Gi"), accessModes: ["ReadWriteMany"] },
      }),
    );
  });

  const nas = (name: string, attributes: Record<string, string>, handle = name) =>
    object(name, "v1", "PersistentVolume", {
      metadata: { name },
      spec: {
        capacity: { storage: "100Gi" },
        accessModes: ["ReadWriteMany"],
        csi: { driver: "nasplugin.csi.alibabacloud.com", volumeHandle: handle, volumeAttributes: attributes },
      },
    });

  it("mounts a NAS volume by its mount target's domain and an absolute directory", () => {
    assert.ok(nas("apps-courseware", { server: "0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com", path: "/courseware" }));
    assert.throws(
      () => nas("apps-uploads", { server: "0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com:/uploads" }),
      /apps-uploads: the NAS driver refuses server .*mount path must be specified in the 'path' field/,
    );
    assert.throws(
      () => nas("apps-reports", { server: "0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com", path: "reports" }),
      /the path format is illegal/,
    );
  });

  it("refuses two NAS volumes with one handle, which the kubelet would mount as one", () => {
    const server = { server: "0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com", path: "/" };
    assert.ok(nas("web-media", server));
    assert.ok(nas("web-media", server), "the same volume declared again is no conflict");
    assert.throws(() => nas("jobs-media", server, "web-media"), /volume handle 'web-media' is also web-media's/);
  });
});

describe("Kubernetes emulator: TCP routes", () => {
  const gateway = (listeners: Array<Record<string, unknown>>) =>
    object("gateway", "gateway.networking.k8s.io/v1", "Gateway", {
      metadata: { name: "edge", namespace: "gateway-system" },
      spec: { gatewayClassName: "edge", listeners },
    });
  const route = (sectionName: string) =>
    object("route", "gateway.networking.k8s.io/v1", "TCPRoute", {
      metadata: { name: "push-gateway-push", namespace: "apps" },
      spec: {
        parentRefs: [{ name: "edge", namespace: "gateway-system", sectionName }],
        rules: [{ backendRefs: [{ name: "push-gateway", port: 9000 }] }],
      },
    });

  it("programs a route on a TCP listener, and never one on an HTTP or missing listener", () => {
    gateway([
      { name: "http", protocol: "HTTP", port: 80 },
      { name: "tcp-9000", protocol: "TCP", port: 9000 },
    ]);
    assert.ok(route("tcp-9000"));
    assert.throws(
      () => route("http"),
      /route: Envoy Gateway never programs the route: Gateway 'gateway-system\/edge' has no TCP listener named 'http' \(its TCP listeners: tcp-9000:9000\)/,
    );
    assert.throws(() => route("tcp-9100"), /has no TCP listener named 'tcp-9100'/);
  });
});
