import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chartSource } from "../../../components/platform/helm";
import { addonArtifacts, CHARTS, elasticImages, IMAGES, mirrorSourceOf } from "../../../components/platform/upstream";

describe("the add-ons' upstream charts and images", () => {
  it("lists what each add-on pulls, only for the add-ons selected", () => {
    assert.deepEqual(addonArtifacts({}), { charts: [], images: [] });
    const gateway = addonArtifacts({ gateway: { certManager: false } });
    assert.deepEqual(
      gateway.charts.map((c) => c.name),
      ["gateway-crds-helm", "gateway-helm"],
    );
    assert.deepEqual(gateway.images, [IMAGES.envoyGateway, IMAGES.envoyProxy]);
    const acme = addonArtifacts({ gateway: { certManager: true } });
    assert.ok(acme.charts.includes(CHARTS.certManager));
    assert.ok(acme.images.includes("quay.io/jetstack/cert-manager-acmesolver:v1.21.2"), "the HTTP-01 solver pods' image");
    assert.ok(acme.images.includes("quay.io/jetstack/cert-manager-startupapicheck:v1.21.2"), "the post-install check job's image");
  });

  it("runs Elasticsearch and Kibana of the configured version, and the admission webhook's certgen with the monitoring stack", () => {
    const logging = addonArtifacts({ logging: { elasticsearchVersion: "9.1.0" } });
    assert.deepEqual(
      logging.charts.map((c) => c.name),
      ["eck-operator-crds", "eck-operator", "fluent-bit"],
    );
    for (const image of elasticImages("9.1.0")) assert.ok(logging.images.includes(image), image);
    const monitoring = addonArtifacts({ monitoring: true });
    assert.ok(monitoring.images.includes("ghcr.io/jkroepke/kube-webhook-certgen:1.8.7"));
    assert.ok(monitoring.images.includes(IMAGES.kubeStateMetrics));
  });

  it("knows the same image where a mirror can subscribe to it", () => {
    assert.equal(mirrorSourceOf("docker.elastic.co/elasticsearch/elasticsearch:8.19.4"), "docker.io/elastic/elasticsearch:8.19.4");
    assert.equal(mirrorSourceOf("registry.k8s.io/kubectl:v1.35.0"), "docker.io/rancher/kubectl:v1.35.0");
    assert.equal(mirrorSourceOf("ghcr.io/jkroepke/kube-webhook-certgen:1.8.7"), "docker.io/jkroepke/kube-webhook-certgen:1.8.7");
    assert.equal(mirrorSourceOf(IMAGES.envoyProxy), IMAGES.envoyProxy, "an image on Docker Hub is its own source");
  });

  it("fetches a chart from its classic repository, its OCI location, or the mirror's charts namespace", () => {
    assert.deepEqual(chartSource(CHARTS.certManager), {
      chart: "cert-manager",
      version: "v1.21.2",
      repositoryOpts: { repo: "https://charts.jetstack.io" },
    });
    assert.deepEqual(chartSource(CHARTS.envoyGateway), { chart: "oci://docker.io/envoyproxy/gateway-helm", version: "v1.9.2" });
    assert.deepEqual(chartSource(CHARTS.kubePrometheusStack, "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com"), {
      chart: "oci://acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com/charts/kube-prometheus-stack",
      version: "88.5.4",
    });
  });
});
