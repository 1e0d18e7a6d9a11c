import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  albConfigSpec,
  albIngressClassSpec,
  burstCpu,
  certificateSpec,
  certManagerValues,
  clusterIssuerSpec,
  containerResources,
  envoyGatewayCrdValues,
  envoyGatewayValues,
  envoyProxySpec,
  gatewaySpec,
  httpsRedirectRouteSpec,
  LETS_ENCRYPT,
  loadBalancerAnnotations,
  type ProxyInput,
  spreadPods,
} from "../../../components/platform/gatewayValues";

const LB = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer";

const PROXY: ProxyInput = {
  gatewayName: "platform",
  serviceName: "platform",
  replicas: 1,
  resources: { cpu: "200m", memory: "256Mi" },
  zones: 1,
  exposure: "load-balancer",
  addressType: "internet",
  deletionProtection: false,
};

describe("gateway values: resources", () => {
  const bursts: Array<[string, string]> = [
    ["100m", "200m"],
    ["250m", "500m"],
    ["500m", "1"],
    ["1", "2"],
    ["1.5", "3"],
  ];
  for (const [cpu, limit] of bursts) it(`lets ${cpu} burst to ${limit}`, () => assert.equal(burstCpu(cpu), limit));

  it("sets memory request equal to its limit", () => {
    assert.deepEqual(containerResources({ cpu: "250m", memory: "512Mi" }), {
      requests: { cpu: "250m", memory: "512Mi" },
      limits: { cpu: "500m", memory: "512Mi" },
    });
  });

  it("spreads over zones only when there are several, hard, counting only nodes whose taints the pods tolerate", () => {
    assert.equal("topologySpreadConstraints" in spreadPods({ app: "x" }, 1), false);
    const spread = spreadPods({ app: "x" }, 3) as { topologySpreadConstraints: Array<Record<string, unknown>> };
    assert.deepEqual(spread.topologySpreadConstraints, [
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "DoNotSchedule",
        nodeTaintsPolicy: "Honor",
        labelSelector: { matchLabels: { app: "x" } },
      },
    ]);
  });

  it("runs the cert-manager webhook twice with a budget that keeps one when highly available", () => {
    assert.equal("replicaCount" in certManagerValues({}).webhook, false);
    const ha = certManagerValues({ highAvailability: true }).webhook as Record<string, any>;
    assert.equal(ha["replicaCount"], 2);
    assert.deepEqual(ha["podDisruptionBudget"], { enabled: true, minAvailable: 1 });
  });
});

describe("gateway values: the ACK load balancer", () => {
  // Pay-by-specification CLBs are no longer sold (since 2025-06-01): every load balancer is pay-by-CLCU.
  const cases: Array<[Partial<ProxyInput>, Record<string, string>]> = [
    [{}, { [`${LB}-address-type`]: "internet", [`${LB}-instance-charge-type`]: "PayByCLCU", [`${LB}-delete-protection`]: "off" }],
    [
      { addressType: "intranet", deletionProtection: true },
      { [`${LB}-address-type`]: "intranet", [`${LB}-instance-charge-type`]: "PayByCLCU", [`${LB}-delete-protection`]: "on" },
    ],
  ];
  for (const [input, expected] of cases) {
    it(`annotates ${JSON.stringify(input)}`, () => assert.deepEqual(loadBalancerAnnotations({ ...PROXY, ...input }), expected));
  }

  it("exposes the proxies by a LoadBalancer that keeps client addresses, or by a NodePort locally", () => {
    const cloud = envoyProxySpec(PROXY).provider.kubernetes.envoyService;
    assert.equal(cloud.type, "LoadBalancer");
    assert.equal((cloud as { externalTrafficPolicy?: string }).externalTrafficPolicy, "Local");
    const local = envoyProxySpec({ ...PROXY, exposure: "node-port" }).provider.kubernetes.envoyService;
    assert.deepEqual(local, { name: "platform", type: "NodePort" });
  });

  it("gives several replicas a disruption budget and the mirror's proxy image", () => {
    const one = envoyProxySpec(PROXY).provider.kubernetes;
    assert.equal("envoyPDB" in one, false);
    assert.equal(one.envoyDeployment.container.image, "docker.io/envoyproxy/envoy:distroless-v1.39.1");
    const three = envoyProxySpec({ ...PROXY, replicas: 3, imageMirror: "m.example.com" }).provider.kubernetes;
    assert.deepEqual((three as { envoyPDB?: unknown }).envoyPDB, { maxUnavailable: 1 });
    assert.equal(three.envoyDeployment.replicas, 3);
    assert.equal(three.envoyDeployment.container.image, "m.example.com/envoyproxy/envoy:distroless-v1.39.1");
    assert.deepEqual(three.envoyDeployment.container.resources.limits, { cpu: "400m", memory: "256Mi" });
  });
});

describe("gateway values: charts", () => {
  it("pins the controller image and composes it from the mirror when there is one", () => {
    const plain = envoyGatewayValues({ controllerReplicas: 1 });
    assert.deepEqual(plain.global, { images: { envoyGateway: { image: "docker.io/envoyproxy/gateway:v1.9.2" } } });
    assert.equal(plain.podDisruptionBudget.minAvailable, 0);
    const ha = envoyGatewayValues({ controllerReplicas: 2, imageMirror: "m.example.com" });
    assert.equal((ha.global as { imageRegistry?: string }).imageRegistry, "m.example.com");
    assert.equal(ha.deployment.replicas, 2);
    assert.equal(ha.podDisruptionBudget.minAvailable, 1);
  });

  it("installs the standard Gateway API channel with Envoy Gateway's CRDs", () => {
    assert.deepEqual(envoyGatewayCrdValues(), {
      crds: { gatewayAPI: { enabled: true, channel: "standard" }, envoyGateway: { enabled: true } },
    });
  });

  it("keeps cert-manager's CRDs and turns on its Gateway API support", () => {
    const values = certManagerValues({});
    assert.deepEqual(values.crds, { enabled: true, keep: true });
    assert.equal(values.config.enableGatewayAPI, true);
    assert.equal("imageRegistry" in values, false);
    assert.equal((certManagerValues({ imageMirror: "m.example.com" }) as { imageRegistry?: string }).imageRegistry, "m.example.com");
  });
});

describe("gateway values: Gateway API objects", () => {
  it("has an HTTP listener, and an HTTPS one only with a certificate", () => {
    const http = gatewaySpec({ name: "platform", namespace: "gateway-system", className: "platform" });
    assert.deepEqual(
      http.listeners.map((l) => l.name),
      ["http"],
    );
    const both = gatewaySpec({ name: "platform", namespace: "gateway-system", className: "platform", tlsSecretName: "platform-tls" });
    assert.deepEqual(
      both.listeners.map((l) => `${l.name}:${l.port}`),
      ["http:80", "https:443"],
    );
    assert.deepEqual((both.listeners[1] as { tls: unknown }).tls, {
      mode: "Terminate",
      certificateRefs: [{ group: "", kind: "Secret", name: "platform-tls" }],
    });
    for (const listener of both.listeners) assert.deepEqual(listener.allowedRoutes, { namespaces: { from: "All" } });
  });

  it("redirects plain HTTP to HTTPS on the HTTP listener", () => {
    const route = httpsRedirectRouteSpec("platform", "gateway-system");
    assert.equal(route.parentRefs[0]!.sectionName, "http");
    assert.deepEqual(route.rules[0]!.filters[0]!.requestRedirect, { scheme: "https", statusCode: 301 });
  });

  it("issues through ACME over the Gateway's HTTP listener, one certificate for every host", () => {
    const issuer = clusterIssuerSpec({
      name: "platform-acme",
      email: "ops@example.com",
      gatewayName: "platform",
      gatewayNamespace: "gateway-system",
    });
    assert.equal(issuer.acme.server, LETS_ENCRYPT);
    assert.deepEqual(issuer.acme.solvers[0]!.http01.gatewayHTTPRoute.parentRefs[0], {
      kind: "Gateway",
      name: "platform",
      namespace: "gateway-system",
      sectionName: "http",
    });
    const staging = clusterIssuerSpec({
      name: "x",
      email: "ops@example.com",
      server: "https://acme-staging.example/dir",
      gatewayName: "g",
      gatewayNamespace: "n",
    });
    assert.equal(staging.acme.server, "https://acme-staging.example/dir");
    const cert = certificateSpec({
      secretName: "platform-tls",
      hosts: ["b.example.com", "a.example.com", "b.example.com"],
      issuer: "platform-acme",
    });
    assert.deepEqual(cert.dnsNames, ["a.example.com", "b.example.com"]);
  });
});

describe("gateway values: the ALB alternative", () => {
  it("places the ALB in the given vSwitches with listeners by TLS", () => {
    const spec = albConfigSpec({
      name: "platform",
      addressType: "intranet",
      vswitchIds: ["vsw-a", "vsw-b"],
      edition: "Standard",
      https: false,
      deletionProtection: true,
    });
    assert.equal(spec.config.addressType, "Intranet");
    assert.deepEqual(spec.config.zoneMappings, [{ vSwitchId: "vsw-a" }, { vSwitchId: "vsw-b" }]);
    assert.deepEqual(spec.listeners, [{ port: 80, protocol: "HTTP" }]);
    const https = albConfigSpec({
      name: "platform",
      addressType: "internet",
      vswitchIds: ["vsw-a", "vsw-b"],
      edition: "StandardWithWaf",
      https: true,
      deletionProtection: false,
    });
    assert.equal(https.config.addressType, "Internet");
    assert.deepEqual(
      https.listeners.map((l) => l.port),
      [80, 443],
    );
    assert.deepEqual(albIngressClassSpec("platform"), {
      controller: "ingress.k8s.alibabacloud/alb",
      parameters: { apiGroup: "alibabacloud.com", kind: "AlbConfig", name: "platform" },
    });
  });
});
