import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Gateway, type GatewayArgs, validateGatewayArgs } from "../../../components/platform/gateway";
import { assertValidObjects } from "../../kubernetesSchemas";
import { manifestsOf, render, type Rendered, testProvider } from "../../harness";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CHART = "kubernetes:helm.sh/v4:Chart";

function renderGateway(args: GatewayArgs): Promise<Rendered> {
  return render(() => new Gateway("gateway", args, { provider: testProvider() }));
}

const dependsOn = (out: Rendered, name: string, on: string) => out.named(name).dependsOn.includes(out.named(on).urn);

describe("Gateway (Envoy Gateway)", () => {
  it("by default installs the pinned CRDs and controller, and declares a GatewayClass and an HTTP-only Gateway", async () => {
    const out = await renderGateway({});
    const crds = out.named("gateway-crds");
    assert.equal(crds.type, CHART);
    assert.equal(crds.inputs["chart"], "oci://docker.io/envoyproxy/gateway-crds-helm");
    assert.equal(crds.inputs["version"], "v1.9.2");
    const controller = out.named("gateway-controller");
    assert.equal(controller.type, RELEASE);
    assert.deepEqual(
      {
        name: controller.inputs["name"],
        namespace: controller.inputs["namespace"],
        chart: controller.inputs["chart"],
        version: controller.inputs["version"],
        skipCrds: controller.inputs["skipCrds"],
      },
      {
        name: "envoy-gateway",
        namespace: "gateway-system",
        chart: "oci://docker.io/envoyproxy/gateway-helm",
        version: "v1.9.2",
        skipCrds: true,
      },
    );
    assert.ok(Number(controller.inputs["timeout"]) >= 600);
    assert.ok(dependsOn(out, "gateway-controller", "gateway-crds"), "the controller waits for its CRDs");
    assert.ok(dependsOn(out, "gateway-class", "gateway-controller"));

    const ns = out.object("Namespace", "gateway-system");
    assert.equal(ns["metadata"].labels["pod-security.kubernetes.io/enforce"], "baseline");
    const gatewayClass = out.object("GatewayClass", "platform");
    assert.equal(gatewayClass["spec"].controllerName, "gateway.envoyproxy.io/gatewayclass-controller");
    assert.deepEqual(gatewayClass["spec"].parametersRef, {
      group: "gateway.envoyproxy.io",
      kind: "EnvoyProxy",
      name: "platform-proxy",
      namespace: "gateway-system",
    });
    const gateway = out.object("Gateway", "platform");
    assert.equal(gateway["metadata"].namespace, "gateway-system");
    assert.deepEqual(
      gateway["spec"].listeners.map((l: { name: string }) => l.name),
      ["http"],
    );
    const proxy = out.object("EnvoyProxy", "platform-proxy");
    assert.equal(proxy["spec"].provider.kubernetes.envoyService.type, "LoadBalancer");
    assert.equal(out.objects("HTTPRoute").length, 0, "no redirect without HTTPS");
    assert.equal(out.objects("Secret").length, 0);
    assert.equal(out.ofType(RELEASE).length, 1, "no cert-manager without cert-manager TLS");
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });

  it("takes TLS from secret config into a Secret marked secret, adds the HTTPS listener and the redirect", async () => {
    const out = await renderGateway({
      tls: { mode: "secret", certificate: "-----BEGIN CERTIFICATE-----", privateKey: "-----BEGIN PRIVATE KEY-----" },
    });
    const secret = out.object("Secret", "platform-tls");
    assert.equal(secret["type"], "kubernetes.io/tls");
    assert.equal(secret["stringData"], "[secret]");
    assert.doesNotMatch(JSON.stringify(out.resources.map((r) => r.inputs)), /BEGIN (CERTIFICATE|PRIVATE KEY)/);
    const listeners = out.object("Gateway", "platform")["spec"].listeners;
    assert.deepEqual(listeners[1].tls.certificateRefs, [{ group: "", kind: "Secret", name: "platform-tls" }]);
    assert.equal(out.object("HTTPRoute", "platform-https-redirect")["spec"].parentRefs[0].sectionName, "http");
    const gw = await render(() => {
      const g = new Gateway("gateway", { tls: { mode: "secret", certificate: "c", privateKey: "k" } }, { provider: testProvider() });
      return { listener: g.attachment.listener, https: g.attachment.https };
    });
    assert.deepEqual(gw.outputs, { listener: "https", https: true });
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });

  it("with cert-manager installs it, an ACME ClusterIssuer and one Certificate naming every host", async () => {
    const out = await renderGateway({
      tls: { mode: "cert-manager", email: "ops@acme.example.com", hosts: ["www.acme.example.com", "api.acme.example.com"] },
      replicas: 3,
      zones: ["cn-hangzhou-h", "cn-hangzhou-i"],
      deletionProtection: true,
      addressType: "internet",
    });
    const certManager = out.named("gateway-cert-manager");
    assert.deepEqual(
      [certManager.inputs["name"], certManager.inputs["namespace"], certManager.inputs["version"]],
      ["cert-manager", "cert-manager", "v1.21.2"],
    );
    assert.equal(out.object("Namespace", "cert-manager")["metadata"].labels["pod-security.kubernetes.io/enforce"], "restricted");
    assert.equal(out.object("ClusterIssuer", "platform-acme")["spec"].acme.email, "ops@acme.example.com");
    const cert = out.object("Certificate", "platform-tls");
    assert.deepEqual(cert["spec"].dnsNames, ["api.acme.example.com", "www.acme.example.com"]);
    assert.ok(dependsOn(out, "gateway-issuer", "gateway-cert-manager"));
    assert.ok(dependsOn(out, "gateway-gateway", "gateway-certificate"));
    const k8s = out.object("EnvoyProxy", "platform-proxy")["spec"].provider.kubernetes;
    assert.equal(k8s.envoyDeployment.replicas, 3);
    assert.deepEqual(k8s.envoyPDB, { maxUnavailable: 1 });
    const webhook = (out.named("gateway-cert-manager").inputs["values"] as any).webhook;
    assert.equal(webhook.replicaCount, 2, "a highly available gateway gets a highly available webhook");

    assert.equal(k8s.envoyService.annotations["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-delete-protection"], "on");
    assert.equal(
      out.named("gateway-controller").inputs["values"] && (out.named("gateway-controller").inputs["values"] as any).deployment.replicas,
      2,
    );
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });

  it("with cert-manager but no host yet declares the issuer and no HTTPS listener", async () => {
    const out = await renderGateway({ tls: { mode: "cert-manager", email: "ops@acme.example.com", hosts: [] } });
    assert.equal(out.objects("Certificate").length, 0);
    assert.equal(out.objects("ClusterIssuer").length, 1);
    assert.deepEqual(
      out.object("Gateway", "platform")["spec"].listeners.map((l: { name: string }) => l.name),
      ["http"],
    );
  });

  it("on a local cluster exposes the proxies by a NodePort and pulls from the mirror", async () => {
    const out = await renderGateway({ exposure: "node-port", imageMirror: "registry.example.com" });
    const proxy = out.object("EnvoyProxy", "platform-proxy")["spec"].provider.kubernetes;
    assert.deepEqual(proxy.envoyService, { name: "platform", type: "NodePort" });
    assert.equal(proxy.envoyDeployment.container.image, "registry.example.com/envoyproxy/envoy:distroless-v1.39.1");
    assert.equal((out.named("gateway-controller").inputs["values"] as any).global.imageRegistry, "registry.example.com");
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });
});

describe("Gateway (ACK ALB)", () => {
  it("declares an AlbConfig and the 'alb' IngressClass, and nothing of Envoy Gateway", async () => {
    const out = await renderGateway({
      controller: "alb",
      albVswitchIds: ["vsw-a1", "vsw-b2"],
      addressType: "intranet",
      tls: { mode: "alb-discovery" },
    });
    const alb = out.object("AlbConfig", "platform");
    assert.equal(alb["spec"].config.addressType, "Intranet");
    assert.deepEqual(
      alb["spec"].listeners.map((l: { port: number }) => l.port),
      [80, 443],
    );
    assert.equal(out.object("IngressClass", "alb")["spec"].parameters.name, "platform");
    assert.equal(out.ofType(RELEASE).length + out.ofType(CHART).length, 0);
    assert.equal(out.objects("Namespace").length, 0);
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });
});

describe("validateGatewayArgs", () => {
  const cases: Array<[string, GatewayArgs, RegExp]> = [
    ["a controller", { controller: "nginx" as never }, /Gateway controller: 'nginx' is not one of: envoy-gateway, alb/],
    ["a name", { name: "Platform" }, /Gateway name: 'Platform' is not a DNS label/],
    ["replicas", { replicas: 0 }, /Gateway replicas: 0 is not an integer between 1 and 20/],
    ["a load balancer billing", { loadBalancerSpec: "big" }, /Gateway loadBalancerSpec: 'big' is not a CLB billing: use 'clcu'/],
    [
      "a retired pay-by-specification CLB",
      { loadBalancerSpec: "slb.s2.medium" },
      /Gateway loadBalancerSpec: 'slb.s2.medium' is not on sale: CLB pay-by-specification instances are no longer sold since 2025-06-01.*use 'clcu'/,
    ],
    [
      "an internet address without TLS",
      { addressType: "internet" },
      /Gateway addressType: 'internet' is not accepted without TLS: an internet-facing gateway would serve every route in clear/,
    ],
    [
      "an internet address with cert-manager but no host to certify",
      { addressType: "internet", tls: { mode: "cert-manager", email: "o@e.com", hosts: [] } },
      /Gateway addressType: 'internet' is not accepted without TLS/,
    ],
    ["a legacy network", { backendCidrs: ["192.168.10.0"] }, /Gateway backendCidrs\[0\]: '192.168.10.0' is not an IPv4 CIDR block/],
    ["proxy memory", { proxyResources: { cpu: "100m", memory: "1GB" } }, /Gateway proxyResources.memory: '1GB' is not a memory quantity/],
    ["an ACME e-mail", { tls: { mode: "cert-manager", email: "ops", hosts: [] } }, /Gateway tls.email: 'ops' is not an e-mail address/],
    [
      "a wildcard host with cert-manager",
      { tls: { mode: "cert-manager", email: "o@e.com", hosts: ["*.example.com"] } },
      /Gateway tls.hosts\[0\]: '\*.example.com' is not accepted with tls mode 'cert-manager': the HTTP-01 challenge cannot certify a wildcard/,
    ],
    [
      "ALB discovery with Envoy Gateway",
      { tls: { mode: "alb-discovery" } },
      /Gateway tls.mode: 'alb-discovery' is not available with controller 'envoy-gateway', which takes 'secret' or 'cert-manager'/,
    ],
    [
      "an ALB in one vSwitch",
      { controller: "alb", albVswitchIds: ["vsw-a"] },
      /Gateway albVswitchIds: \["vsw-a"\] is not a list of at least 2 vSwitch ids/,
    ],
    [
      "cert-manager with the ALB",
      { controller: "alb", albVswitchIds: ["vsw-a", "vsw-b"], tls: { mode: "cert-manager", email: "o@e.com", hosts: [] } },
      /Gateway tls.mode: 'cert-manager' is not available with controller 'alb': use 'alb-discovery'/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what}, naming the field, the value and what is accepted`, () => assert.throws(() => validateGatewayArgs(args), message));
  }

  it("reports every problem at once", () => {
    assert.throws(
      () => validateGatewayArgs({ replicas: 0, name: "Platform" }),
      (err: Error) => err.message.split("\n").length === 2 && /name: 'Platform'/.test(err.message) && /replicas: 0/.test(err.message),
    );
  });

  it("refuses before declaring anything", async () => {
    await assert.rejects(renderGateway({ replicas: 50 }), /Gateway replicas: 50/);
  });
});
