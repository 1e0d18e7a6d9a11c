import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ACK_DISK_CLASSES as POLICY_CLASSES, DISK_SIZES as POLICY_SIZES } from "../../../policies/lib/disks";
import {
  diskAtLeastMinimum,
  diskReadWriteOnce,
  loadBalancerOnSale,
  publicGatewayHttps,
  zonalDiskBindsOnSchedule,
} from "../../../policies/rules/platform";
import { ACK_DISK_CLASSES, DISK_SIZES } from "../../../components/platform/storage";
import { changed, check, resource } from "../helpers";

const LB = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer";
const service = (annotations: Record<string, string>) =>
  resource("kubernetes:core/v1:Service", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "lb", namespace: "apps", annotations },
    spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
  });
const pvc = (storageClassName: string, storage: string) =>
  resource("kubernetes:core/v1:PersistentVolumeClaim", {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "data", namespace: "db" },
    spec: { accessModes: ["ReadWriteOnce"], storageClassName, resources: { requests: { storage } } },
  });
const storageClass = (name: string, bindingMode?: string, parameters: Record<string, string> = { type: "cloud_essd" }) =>
  resource("kubernetes:storage.k8s.io/v1:StorageClass", {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name },
    provisioner: "diskplugin.csi.alibabacloud.com",
    parameters,
    ...(bindingMode ? { volumeBindingMode: bindingMode } : {}),
  });

describe("load-balancer-on-sale", () => {
  it("passes a pay-by-CLCU load balancer", () =>
    assert.deepEqual(check(loadBalancerOnSale, service({ [`${LB}-instance-charge-type`]: "PayByCLCU" })), []));
  it("refuses a pay-by-specification load balancer", () =>
    assert.deepEqual(check(loadBalancerOnSale, service({ [`${LB}-instance-charge-type`]: "PayBySpec", [`${LB}-spec`]: "slb.s2.small" })), [
      `Service 'apps/lb' asks for a pay-by-specification CLB (PayBySpec, slb.s2.small); set ${LB}-instance-charge-type: PayByCLCU and no ${LB}-spec`,
    ]));
});

describe("disk-at-least-minimum", () => {
  it("passes 20Gi on ESSD and any size on a class that is no disk", () => {
    assert.deepEqual(check(diskAtLeastMinimum, [pvc("alicloud-disk-essd", "20Gi"), pvc("standard", "1Gi")]), []);
  });
  it("refuses 2Gi on ESSD, and 100Gi on a declared PL2 class", () => {
    assert.deepEqual(check(diskAtLeastMinimum, pvc("alicloud-disk-essd", "2Gi")), [
      "PersistentVolumeClaim 'db/data' asks for 2Gi on disk class 'alicloud-disk-essd' (cloud_essd), whose smallest disk is 20Gi; ask for at least 20Gi",
    ]);
    const pl2 = storageClass("essd-pl2", "WaitForFirstConsumer", { type: "cloud_essd", performanceLevel: "PL2" });
    assert.match(check(diskAtLeastMinimum, [pl2, pvc("essd-pl2", "100Gi")])[0]!, /whose smallest disk is 461Gi/);
  });
  it("reads the volumes kube-prometheus-stack makes of its values", () => {
    const release = resource("kubernetes:helm.sh/v3:Release", {
      name: "kube-prometheus-stack",
      namespace: "monitoring",
      chart: "kube-prometheus-stack",
      values: {
        alertmanager: {
          alertmanagerSpec: {
            storage: {
              volumeClaimTemplate: { spec: { storageClassName: "alicloud-disk-essd", resources: { requests: { storage: "2Gi" } } } },
            },
          },
        },
      },
    });
    assert.deepEqual(check(diskAtLeastMinimum, release), [
      "Helm release 'monitoring/kube-prometheus-stack' Alertmanager asks for 2Gi on disk class 'alicloud-disk-essd' (cloud_essd), whose smallest disk is 20Gi; ask for at least 20Gi",
    ]);
  });
  it("knows the same disks as the platform", () => {
    assert.deepEqual(POLICY_SIZES, DISK_SIZES);
    assert.deepEqual(POLICY_CLASSES, ACK_DISK_CLASSES);
  });
});

describe("disk-read-write-once", () => {
  const claim = (storageClassName: string, accessModes: string[]) =>
    changed(pvc(storageClassName, "20Gi"), (r) => (r.inputs.spec.accessModes = accessModes));
  it("passes one node's claims on a disk, and shared claims on what is no disk (NAS, no class)", () => {
    assert.deepEqual(
      check(diskReadWriteOnce, [
        claim("alicloud-disk-essd", ["ReadWriteOnce"]),
        claim("alicloud-disk-essd", ["ReadWriteOncePod"]),
        claim("", ["ReadWriteMany"]),
      ]),
      [],
    );
  });
  it("refuses a disk claimed for several nodes, in a claim or a StatefulSet's claim template", () => {
    const essd = storageClass("ack-platform-essd", "WaitForFirstConsumer", { type: "cloud_essd", performanceLevel: "PL1" });
    const set = resource("kubernetes:apps/v1:StatefulSet", {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "search", namespace: "apps" },
      spec: {
        volumeClaimTemplates: [
          {
            metadata: { name: "data" },
            spec: { accessModes: ["ReadOnlyMany"], storageClassName: "ack-platform-essd", resources: { requests: { storage: "20Gi" } } },
          },
        ],
      },
    });
    assert.deepEqual(check(diskReadWriteOnce, [essd, set, claim("alicloud-disk-essd", ["ReadWriteMany"])]), [
      "StatefulSet 'apps/search' claim 'data' asks disk class 'ack-platform-essd' for ReadOnlyMany, which a cloud disk cannot serve (it attaches to one node at a time); use ReadWriteOnce, or a NAS volume for data several pods share",
      "PersistentVolumeClaim 'db/data' asks disk class 'alicloud-disk-essd' for ReadWriteMany, which a cloud disk cannot serve (it attaches to one node at a time); use ReadWriteOnce, or a NAS volume for data several pods share",
    ]);
  });
});

describe("zonal-disk-binds-on-schedule", () => {
  it("passes a class that waits for the first consumer", () =>
    assert.deepEqual(check(zonalDiskBindsOnSchedule, [storageClass("essd", "WaitForFirstConsumer"), pvc("essd", "20Gi")]), []));
  it("refuses an Immediate disk class and claims on one in prod", () => {
    assert.deepEqual(check(zonalDiskBindsOnSchedule, [storageClass("essd")]), [
      "StorageClass 'essd' makes zonal disks but binds Immediately; set volumeBindingMode: WaitForFirstConsumer",
    ]);
    assert.match(
      check(zonalDiskBindsOnSchedule, pvc("alicloud-disk-essd", "20Gi"))[0]!,
      /uses disk class 'alicloud-disk-essd', which binds Immediately/,
    );
    assert.deepEqual(check(zonalDiskBindsOnSchedule, pvc("alicloud-disk-essd", "20Gi"), { environment: "dev" }), []);
  });
});

describe("public-gateway-https", () => {
  const proxy = (addressType: string) =>
    resource("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy", {
      apiVersion: "gateway.envoyproxy.io/v1alpha1",
      kind: "EnvoyProxy",
      metadata: { name: "platform-proxy", namespace: "gateway-system" },
      spec: {
        provider: {
          type: "Kubernetes",
          kubernetes: { envoyService: { type: "LoadBalancer", annotations: { [`${LB}-address-type`]: addressType } } },
        },
      },
    });
  const gatewayClass = resource("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "GatewayClass",
    metadata: { name: "platform" },
    spec: { parametersRef: { kind: "EnvoyProxy", name: "platform-proxy", namespace: "gateway-system" } },
  });
  const gateway = (https: boolean) =>
    resource("kubernetes:gateway.networking.k8s.io/v1:Gateway", {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "platform", namespace: "gateway-system" },
      spec: {
        gatewayClassName: "platform",
        listeners: [{ name: "http", protocol: "HTTP", port: 80 }, ...(https ? [{ name: "https", protocol: "HTTPS", port: 443 }] : [])],
      },
    });
  const route = (sectionName: string) =>
    resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "orders", namespace: "apps" },
      spec: {
        parentRefs: [{ name: "platform", namespace: "gateway-system", sectionName }],
        rules: [{ backendRefs: [{ name: "orders", port: 80 }] }],
      },
    });

  it("passes HTTPS routes on a public gateway, and anything on an intranet one", () => {
    assert.deepEqual(check(publicGatewayHttps, [proxy("internet"), gatewayClass, gateway(true), route("https")]), []);
    assert.deepEqual(check(publicGatewayHttps, [proxy("intranet"), gatewayClass, gateway(false), route("http")]), []);
  });
  it("refuses a public gateway without HTTPS, and a route served in clear on it", () => {
    assert.deepEqual(check(publicGatewayHttps, [proxy("internet"), gatewayClass, gateway(false)]), [
      "Gateway 'gateway-system/platform' is on an internet load balancer with no HTTPS listener: every route is served in clear; add TLS or make the address intranet",
    ]);
    assert.deepEqual(check(publicGatewayHttps, [proxy("internet"), gatewayClass, gateway(true), route("http")]), [
      "HTTPRoute 'apps/orders' is served in clear on the HTTP listener of internet-facing Gateway 'gateway-system/platform'; attach it to the HTTPS listener",
    ]);
    const redirect = changed(
      route("http"),
      (r) => (r.inputs.spec.rules = [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https" } }] }]),
    );
    assert.deepEqual(check(publicGatewayHttps, [proxy("internet"), gatewayClass, gateway(true), redirect]), []);
  });
});
