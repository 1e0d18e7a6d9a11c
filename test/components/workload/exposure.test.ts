import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MicroserviceArgs } from "../../../components/workload/args";
import { clbAnnotations } from "../../../components/workload/exposure";
import { Microservice } from "../../../components/workload/microservice";
import { planMicroservice } from "../../../components/workload/plan";
import { loadBalancerAnnotations } from "../../../components/platform/gatewayValues";
import { render, testProvider } from "../../harness";
import { assertValidObjects } from "../../kubernetesSchemas";

const GATEWAY_PODS = { namespace: "gateway-system", podLabels: { "app.kubernetes.io/component": "proxy" } };
const PUSH: MicroserviceArgs = {
  namespace: "apps",
  image: "registry.example.com/acme/push-gateway:2.1.0",
  version: "2.1.0",
  resources: { cpu: "250m", memory: "512Mi" },
  ports: [
    {
      name: "push",
      port: 9000,
      protocol: "tcp",
      expose: { via: "gateway", gatewayName: "platform", gatewayNamespace: "gateway-system", listener: "tcp-9000" },
    },
    { name: "http", port: 8080 },
  ],
  network: { gateway: GATEWAY_PODS },
};

describe("a tcp port exposed through the gateway", () => {
  it("is a TCPRoute on the gateway's TCP listener to the stable Service's port, and the gateway may reach the pods on it", async () => {
    const out = await render(() => new Microservice("push-gateway", PUSH, { provider: testProvider() }));
    await assertValidObjects(out.objects());
    const route = out.object("TCPRoute", "push-gateway-push");
    assert.equal(route["apiVersion"], "gateway.networking.k8s.io/v1");
    assert.deepEqual(route["spec"], {
      parentRefs: [
        { group: "gateway.networking.k8s.io", kind: "Gateway", name: "platform", namespace: "gateway-system", sectionName: "tcp-9000" },
      ],
      rules: [{ backendRefs: [{ group: "", kind: "Service", name: "push-gateway", port: 9000, weight: 100 }] }],
    });
    const policy = out.object("NetworkPolicy", "push-gateway");
    assert.deepEqual(policy["spec"].ingress[0].ports, [{ protocol: "TCP", port: 9000 }]);
  });

  it("splits new connections between the tracks by the canary's weight, and waits for the canary's capacity", () => {
    const planned = planMicroservice("push-gateway", { ...PUSH, canary: { version: "2.2.0", weight: 20 } });
    const route = planned.find((o) => o.role === "tcp-route-push")!;
    assert.deepEqual(
      route.object["spec"].rules[0].backendRefs.map((b: { name: string; weight: number }) => [b.name, b.weight]),
      [
        ["push-gateway", 80],
        ["push-gateway-canary", 20],
      ],
    );
    assert.deepEqual(route.waitsFor, ["deployment", "canary-deployment", "canary-pdb"]);
    // A weight change moves numbers only: the same roles at another weight.
    const at50 = planMicroservice("push-gateway", { ...PUSH, canary: { version: "2.2.0", weight: 50 } }).map((o) => o.role);
    assert.deepEqual(
      planned.map((o) => o.role),
      at50,
    );
  });
});

describe("a tcp port exposed by a load balancer", () => {
  const args: MicroserviceArgs = {
    ...PUSH,
    ports: [
      { name: "push", port: 9000, protocol: "tcp", expose: { via: "load-balancer", sourceCidrs: ["10.0.0.0/8"] } },
      { name: "http", port: 8080 },
    ],
    protectData: true,
  };

  it("is a LoadBalancer Service with a pay-by-CLCU intranet CLB, sending to the stable track, keeping the client's address", async () => {
    const out = await render(() => new Microservice("push-gateway", args, { provider: testProvider() }));
    await assertValidObjects(out.objects());
    const lb = out.object("Service", "push-gateway-lb");
    assert.deepEqual(lb["metadata"].annotations, {
      "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": "intranet",
      "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-instance-charge-type": "PayByCLCU",
      "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-delete-protection": "on",
    });
    assert.deepEqual(lb["spec"], {
      type: "LoadBalancer",
      selector: { "app.kubernetes.io/name": "push-gateway", track: "stable" },
      externalTrafficPolicy: "Local",
      ports: [{ name: "push", port: 9000, targetPort: "push", protocol: "TCP" }],
    });
    const ingress = out.object("NetworkPolicy", "push-gateway")["spec"].ingress;
    assert.deepEqual(ingress[0], { from: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ protocol: "TCP", port: 9000 }] });
  });

  it("asks ACK's cloud controller for its CLB in the same words as the gateway's", () => {
    for (const addressType of ["intranet", "internet"] as const) {
      for (const deletionProtection of [true, false]) {
        assert.deepEqual(clbAnnotations({ addressType, deletionProtection }), loadBalancerAnnotations({ addressType, deletionProtection }));
      }
    }
  });
});
