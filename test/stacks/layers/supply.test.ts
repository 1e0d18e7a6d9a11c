import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CHARTS } from "../../../components/platform/upstream";
import {
  chartArtifact,
  environmentCharts,
  environmentImages,
  imageArtifact,
  mirrorArtifacts,
  pushedArtifacts,
  registrySupply,
} from "../../../stacks/layers/supply";
import { registryRepositories } from "../../../stacks/config/componentArgs";
import { DEV, PROD, parseConfig } from "../configFixtures";

const OWN = "acme-prod-registry-vpc.cn-hangzhou.cr.aliyuncs.com";
const NIGHT = {
  replicas: { min: 3, max: 6 },
  name: "web",
  version: "1.0.0",
  resources: { cpu: "100m", memory: "128Mi" },
  autoscaling: { night: { min: 2, from: "01:00", to: "07:00" } },
};

describe("what an environment pulls from its registry, and how it gets there", () => {
  it("subscribes to an image where it is published, or where the same image is published too", () => {
    assert.deepEqual(imageArtifact("docker.elastic.co/elasticsearch/elasticsearch:8.19.4"), {
      kind: "image",
      namespace: "elasticsearch",
      repository: "elasticsearch",
      tags: ["8.19.4"],
      upstream: "docker.elastic.co/elasticsearch/elasticsearch",
      fill: { by: "subscription", provider: "DOCKER_HUB", sourceNamespace: "elastic", sourceRepository: "elasticsearch" },
    });
    assert.deepEqual(imageArtifact("registry.k8s.io/kubectl:v1.35.0").fill, {
      by: "subscription",
      provider: "DOCKER_HUB",
      sourceNamespace: "rancher",
      sourceRepository: "kubectl",
    });
    assert.deepEqual(
      [imageArtifact("registry.k8s.io/kubectl:v1.35.0").namespace, imageArtifact("ghcr.io/jkroepke/kube-webhook-certgen:1.8.7").namespace],
      ["k8s", "jkroepke"],
    );
    assert.deepEqual(
      imageArtifact("ghcr.io/other/tool:1.0").fill,
      { by: "copy", from: "ghcr.io/other/tool" },
      "nothing subscribes to ghcr.io",
    );
  });

  it("subscribes to a chart published as an OCI artifact on Docker Hub, and has the others copied once", () => {
    assert.deepEqual(chartArtifact(CHARTS.envoyGateway), {
      kind: "chart",
      namespace: "charts",
      repository: "gateway-helm",
      tags: ["v1.9.2"],
      upstream: "oci://docker.io/envoyproxy/gateway-helm",
      fill: { by: "subscription", provider: "DOCKER_HUB", sourceNamespace: "envoyproxy", sourceRepository: "gateway-helm" },
    });
    assert.deepEqual(chartArtifact(CHARTS.fluentBit).fill, { by: "copy", from: "https://fluent.github.io/helm-charts" });
    assert.deepEqual(chartArtifact({ name: "x", version: "1.0.0+build.1", repository: "https://example.com" }).tags, ["1.0.0_build.1"]);
  });

  it("mirrors the add-ons it runs, kubectl when a service scales at night, in its own registry only", () => {
    const prod = parseConfig(PROD);
    assert.ok(environmentCharts(prod).includes(CHARTS.certManager), "prod gets its certificates from ACME");
    assert.ok(!environmentImages(prod).includes("registry.k8s.io/kubectl:v1.35.0"));
    const night = parseConfig({ ...PROD, services: [NIGHT] });
    assert.ok(environmentImages(night).includes("registry.k8s.io/kubectl:v1.35.0"));
    assert.equal(mirrorArtifacts(prod, OWN).length, environmentImages(prod).length + environmentCharts(prod).length);
    assert.deepEqual(mirrorArtifacts(prod, "another-registry.example.com"), [], "what it pulls from elsewhere is not its to fill");
    const alb = parseConfig({
      ...DEV,
      gateway: { controller: "alb", alb: { vswitchIds: ["vsw-a1", "vsw-b2"] } },
      logging: { enabled: false },
      monitoring: { enabled: false },
    });
    assert.deepEqual(environmentCharts(alb), [], "the ALB controller is an ACK add-on: no chart");
  });

  it("waits for every version of the services in the registry that the stack does not build", () => {
    const prod = parseConfig({
      ...PROD,
      services: [
        { ...NIGHT, name: "orders", version: "4.2.0", route: { host: "api.acme.example.com" }, canary: { version: "4.3.0", weight: 5 } },
        { ...NIGHT, name: "proxy", image: "docker.io/library/nginx", version: "1.27" },
      ],
    });
    assert.deepEqual(pushedArtifacts(prod, "acme"), [{ namespace: "acme", repository: "orders", tags: ["4.2.0", "4.3.0"] }]);
  });

  it("waits for the jobs' versions too, with the services' of the same repository", () => {
    const prod = parseConfig({
      ...PROD,
      services: [{ ...NIGHT, name: "orders", version: "4.2.0", route: { host: "api.acme.example.com" } }],
      jobs: [
        { name: "orders-reconcile", image: "orders", version: "4.1.0", schedule: "0 3 * * *", resources: { cpu: "100m", memory: "256Mi" } },
        { name: "cleanup", image: "docker.io/library/busybox", version: "1.37", resources: { cpu: "50m", memory: "64Mi" } },
      ],
    });
    assert.deepEqual(pushedArtifacts(prod, "acme"), [{ namespace: "acme", repository: "orders", tags: ["4.2.0", "4.1.0"] }]);
    assert.deepEqual(registryRepositories([...prod.services, ...prod.jobs]), ["orders"]);
  });

  it("lists what a registry the stack does not own must hold", () => {
    const dev = parseConfig({
      ...DEV,
      imageMirror: "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com",
      chartMirror: "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com",
    });
    const supply = registrySupply(dev);
    assert.ok(
      supply.some(
        (e) =>
          e.pull === "oci://acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com/charts/kube-prometheus-stack:88.5.4" &&
          e.fill === "copied once from https://prometheus-community.github.io/helm-charts",
      ),
    );
    assert.ok(supply.some((e) => e.pull === "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com/kube-state-metrics/kube-state-metrics:v2.20.0"));
    assert.deepEqual(registrySupply(parseConfig(DEV)), [], "without mirrors, nothing");
  });
});
