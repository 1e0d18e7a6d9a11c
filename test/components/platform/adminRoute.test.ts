import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adminRouteSpecs, type GatewayAttachment, isPublic, PRIVATE_RANGES, routedUrl } from "../../../components/platform/adminRoute";
import { albConfigSpec, envoyProxySpec } from "../../../components/platform/gatewayValues";
import { elasticsearchSpec, kibanaSpec } from "../../../components/platform/loggingValues";
import { assertValidObjects, schemaErrors } from "../../kubernetesSchemas";

const es = () => ({
  apiVersion: "elasticsearch.k8s.elastic.co/v1",
  kind: "Elasticsearch",
  metadata: { name: "logs", namespace: "logging" },
  spec: elasticsearchSpec({
    name: "logs",
    version: "8.19.4",
    nodes: 3,
    storage: "50Gi",
    storageClass: "alicloud-disk-essd",
    resources: { cpu: "1", memory: "4Gi" },
    zones: 2,
    retainVolumes: true,
    userSecrets: ["a"],
    rolesSecret: "r",
  }) as Record<string, any>,
});

describe("schemas of the custom resources without a kubernetes-models package", () => {
  it("accept the Elasticsearch, Kibana and AlbConfig the platform renders", async () => {
    await assertValidObjects([
      es(),
      {
        apiVersion: "kibana.k8s.elastic.co/v1",
        kind: "Kibana",
        metadata: { name: "logs" },
        spec: kibanaSpec({
          name: "logs",
          version: "8.19.4",
          replicas: 1,
          elasticsearchName: "logs",
          resources: { cpu: "1", memory: "1Gi" },
          publicUrl: "https://k.example.com",
        }),
      },
      {
        apiVersion: "alibabacloud.com/v1",
        kind: "AlbConfig",
        metadata: { name: "p" },
        spec: albConfigSpec({
          name: "p",
          addressType: "internet",
          vswitchIds: ["vsw-a", "vsw-b"],
          edition: "Standard",
          https: true,
          deletionProtection: false,
        }),
      },
      {
        apiVersion: "gateway.envoyproxy.io/v1alpha1",
        kind: "EnvoyProxy",
        metadata: { name: "p" },
        spec: envoyProxySpec({
          gatewayName: "p",
          serviceName: "p",
          replicas: 2,
          resources: { cpu: "1", memory: "1Gi" },
          zones: 2,
          exposure: "load-balancer",
          addressType: "internet",
          deletionProtection: true,
        }),
      },
    ]);
  });

  it("refuse a misspelt Elasticsearch field, as structural pruning would drop it", async () => {
    const broken = es();
    broken["spec"].volumeClaimDeletePolicy = "KeepEverything";
    broken["spec"].nodeSets[0].cout = 3;
    const errors = await schemaErrors(broken);
    assert.ok(
      errors.some((e) => /Elasticsearch logs: \/spec\/nodeSets\/0 .*cout/.test(e)),
      errors.join("\n"),
    );
    assert.ok(
      errors.some((e) => /\/spec\/volumeClaimDeletePolicy/.test(e)),
      errors.join("\n"),
    );
  });

  it("check the Kubernetes types an Elasticsearch embeds", async () => {
    const broken = es();
    broken["spec"].nodeSets[0].podTemplate.spec.containers[0].resources.requests.cpu = { much: true };
    broken["spec"].podDisruptionBudget.spec.maxUnavailable = [1];
    const errors = await schemaErrors(broken);
    assert.ok(
      errors.some((e) => /embeds v1\/PodTemplate .*containers\/0\/resources\/requests\/cpu/.test(e)),
      errors.join("\n"),
    );
    assert.ok(
      errors.some((e) => /embeds policy\/v1\/PodDisruptionBudget .*maxUnavailable/.test(e)),
      errors.join("\n"),
    );
  });

  it("refuse an AlbConfig in one zone or with an unknown listener protocol", async () => {
    const alb = {
      apiVersion: "alibabacloud.com/v1",
      kind: "AlbConfig",
      metadata: { name: "p" },
      spec: { config: { zoneMappings: [{ vSwitchId: "vsw-a" }] }, listeners: [{ port: 80, protocol: "TCP" }] },
    };
    const errors = await schemaErrors(alb);
    assert.ok(
      errors.some((e) => /\/spec\/config\/zoneMappings/.test(e)),
      errors.join("\n"),
    );
    assert.ok(
      errors.some((e) => /\/spec\/listeners\/0\/protocol/.test(e)),
      errors.join("\n"),
    );
  });

  it("refuse a Kibana without a version", async () => {
    const errors = await schemaErrors({
      apiVersion: "kibana.k8s.elastic.co/v1",
      kind: "Kibana",
      metadata: { name: "k" },
      spec: { count: 1 },
    });
    assert.ok(
      errors.some((e) => /Kibana k: \/spec\/version/.test(e)),
      errors.join("\n"),
    );
  });
});

describe("admin UI routes", () => {
  const envoy: GatewayAttachment = {
    controller: "envoy-gateway",
    name: "platform",
    namespace: "gateway-system",
    listener: "https",
    https: true,
  };
  const base = {
    name: "grafana",
    namespace: "monitoring",
    host: "grafana.example.com",
    service: "grafana",
    port: 80,
    allowedSourceRanges: PRIVATE_RANGES,
    gateway: envoy,
  };

  it("route at the host on the gateway's listener, behind a policy admitting the ranges", async () => {
    const specs = adminRouteSpecs(base);
    assert.ok("route" in specs && "policy" in specs);
    assert.equal(specs.route!.spec.parentRefs[0]!.sectionName, "https");
    assert.deepEqual(specs.policy!.spec.targetRefs, [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "grafana" }]);
    await assertValidObjects([
      { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", ...specs.route },
      { apiVersion: "gateway.envoyproxy.io/v1alpha1", kind: "SecurityPolicy", ...specs.policy },
    ]);
  });

  it("are public only when a range admits every address", () => {
    assert.equal(isPublic(PRIVATE_RANGES), false);
    assert.equal(isPublic(["10.0.0.0/8", "0.0.0.0/0"]), true);
    assert.equal("policy" in adminRouteSpecs({ ...base, allowedSourceRanges: ["0.0.0.0/0"] }), false);
  });

  it("become an Ingress of the ALB's class with the ALB", async () => {
    const specs = adminRouteSpecs({
      ...base,
      gateway: {
        controller: "alb",
        name: "platform",
        namespace: "gateway-system",
        listener: "http",
        ingressClassName: "alb",
        https: false,
      },
    });
    assert.ok("ingress" in specs);
    await assertValidObjects([{ apiVersion: "networking.k8s.io/v1", kind: "Ingress", ...specs.ingress }]);
  });

  it("name the URL by the gateway's TLS", () => {
    assert.equal(routedUrl("k.example.com", true), "https://k.example.com");
    assert.equal(routedUrl("k.example.com", false), "http://k.example.com");
  });
});
