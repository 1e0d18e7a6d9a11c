import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pullsFromStackRegistry } from "../../../policies/rules/supply";
import { changed, check, cronJob, deployment, resource } from "../helpers";

const OWN = "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com";
const registry = resource(
  "alicloud:cr/registryEnterpriseInstance:RegistryEnterpriseInstance",
  { instanceName: "acme" },
  { name: "registry-instance" },
);

const RELEASE_INPUTS = {
  name: "kube-prometheus-stack",
  chart: `oci://${OWN}/charts/kube-prometheus-stack`,
  version: "88.5.4",
  values: {
    global: { imageRegistry: OWN },
    prometheus: { prometheusSpec: { image: { registry: OWN, repository: "prometheus/prometheus", tag: "v3.14.0" } } },
    grafana: { image: { registry: OWN, repository: "grafana/grafana", tag: "13.2.0" } },
  },
};
const release = (change?: (r: any) => void) =>
  resource("kubernetes:helm.sh/v3:Release", changed(RELEASE_INPUTS, change), { name: "monitoring-stack" });
const crdChart = (change?: (c: any) => void) =>
  resource(
    "kubernetes:helm.sh/v4:Chart",
    changed({ chart: `oci://${OWN}/charts/gateway-crds-helm`, version: "v1.9.2", values: {} }, change),
    {
      name: "gateway-crds",
    },
  );
const envoyProxy = (image = `${OWN}/envoyproxy/envoy:distroless-v1.39.1`) =>
  resource(
    "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
    {
      apiVersion: "gateway.envoyproxy.io/v1alpha1",
      kind: "EnvoyProxy",
      metadata: { name: "platform-proxy" },
      spec: { provider: { kubernetes: { envoyDeployment: { container: { image } } } } },
    },
    { name: "gateway-proxy" },
  );
const passing = () => [
  registry,
  deployment(),
  cronJob((c) => (c.spec.jobTemplate.spec.template.spec.containers[0].image = `${OWN}/k8s/kubectl:v1.35.0`)),
  release(),
  crdChart(),
  envoyProxy(),
];

describe("pulls-from-stack-registry", () => {
  it("passes a prod stack that pulls every image and chart from its own registry", () => {
    assert.deepEqual(check(pullsFromStackRegistry, passing()), []);
    assert.deepEqual(check(pullsFromStackRegistry, passing(), { environment: "staging" }), []);
  });

  it("reports an image from a public registry, and one at a path ACR Enterprise cannot hold", () => {
    assert.deepEqual(
      check(pullsFromStackRegistry, [
        registry,
        deployment((d) => (d.spec.template.spec.containers[0].image = "docker.io/library/nginx:1.27")),
        cronJob((c) => (c.spec.jobTemplate.spec.template.spec.containers[0].image = `${OWN}/kubectl:v1.35.0`)),
        envoyProxy("envoyproxy/envoy:distroless-v1.39.1"),
      ]),
      [
        "Deployment 'orders': container 'web' pulls 'docker.io/library/nginx:1.27' from docker.io, not from the stack's registry (acme-registry.*.cr.aliyuncs.com, acme-registry-vpc.*.cr.aliyuncs.com); mirror it there and pull it from there",
        `CronJob 'report': container 'web' pulls '${OWN}/kubectl:v1.35.0', a path ACR Enterprise cannot hold: its repositories are <namespace>/<repository>, here 'kubectl'`,
        "EnvoyProxy 'gateway-proxy' (spec.provider.kubernetes.envoyDeployment.container.image) pulls 'envoyproxy/envoy:distroless-v1.39.1' from docker.io, not from the stack's registry (acme-registry.*.cr.aliyuncs.com, acme-registry-vpc.*.cr.aliyuncs.com); mirror it there and pull it from there",
      ],
    );
  });

  it("reports a chart fetched from another host, and values that name another registry", () => {
    assert.deepEqual(
      check(pullsFromStackRegistry, [
        registry,
        release((r) => {
          r.chart = "kube-prometheus-stack";
          r.repositoryOpts = { repo: "https://prometheus-community.github.io/helm-charts" };
          r.values.grafana.image.registry = "docker.io";
        }),
        crdChart((c) => (c.chart = "oci://docker.io/envoyproxy/gateway-crds-helm")),
      ]),
      [
        "Release 'monitoring-stack' fetches its chart from https://prometheus-community.github.io/helm-charts (kube-prometheus-stack), not from the stack's registry (acme-registry.*.cr.aliyuncs.com, acme-registry-vpc.*.cr.aliyuncs.com)",
        "Release 'monitoring-stack' sets grafana.image.registry to docker.io, not the stack's registry (acme-registry.*.cr.aliyuncs.com, acme-registry-vpc.*.cr.aliyuncs.com)",
        "Chart 'gateway-crds' fetches its chart from oci://docker.io/envoyproxy/gateway-crds-helm, not from the stack's registry (acme-registry.*.cr.aliyuncs.com, acme-registry-vpc.*.cr.aliyuncs.com)",
      ],
    );
  });

  it("takes an existing registry named in its config as the stack's own", () => {
    const harbor = deployment((d) => (d.spec.template.spec.containers[0].image = "harbor.acme.example.com/acme/orders:1.4.2"));
    assert.equal(check(pullsFromStackRegistry, [registry, harbor]).length, 1);
    assert.deepEqual(check(pullsFromStackRegistry, [registry, harbor], { config: { registryHosts: ["harbor.acme.example.com"] } }), []);
  });

  it("judges only prod and staging, and only a stack that has a registry of its own", () => {
    const publicImage = deployment((d) => (d.spec.template.spec.containers[0].image = "docker.io/library/nginx:1.27"));
    assert.deepEqual(check(pullsFromStackRegistry, [registry, publicImage], { environment: "dev" }), []);
    assert.deepEqual(check(pullsFromStackRegistry, [registry, publicImage], { environment: "local" }), []);
    assert.deepEqual(check(pullsFromStackRegistry, [publicImage]), []);
  });

  it("judges during a preview what is known, and leaves what is not (a chart gated by the mirror's wait)", () => {
    assert.deepEqual(check(pullsFromStackRegistry, [registry, release((r) => (r.chart = "[unknown]"))]), []);
  });
});
