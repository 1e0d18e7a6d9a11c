import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type EnvironmentConfig, type EnvironmentKind, parseEnvironment } from "../../../stacks/config";
import { deployPlatform } from "../../../stacks/layers/platform";
import type { CloudLayer, PlatformLayer } from "../../../stacks/layers/types";
import { assertValidObjects } from "../../kubernetesSchemas";
import { manifestsOf, render, testProvider } from "../../harness";

const PROD = {
  kind: "prod",
  region: "cn-hangzhou",
  zones: ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"],
  registry: { mode: "managed", instanceName: "acme-prod", namespace: "acme" },
  imageMirror: "acme-prod-registry-vpc.cn-hangzhou.cr.aliyuncs.com",
  gateway: { tls: { email: "ops@acme.example.com" } },
  logging: { kibana: { host: "kibana.acme.example.com" } },
  monitoring: { grafana: { host: "grafana.acme.example.com" } },
};
const DEV = {
  kind: "dev",
  region: "cn-hangzhou",
  zones: ["cn-hangzhou-h", "cn-hangzhou-i"],
  registry: { mode: "existing", endpoint: "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com", namespace: "acme" },
};

function config(values: Record<string, unknown>, secrets: string[] = []): EnvironmentConfig {
  const result = parseEnvironment(values["kind"] as EnvironmentKind, values, { secretKeys: new Set(secrets), fileExists: () => true });
  assert.deepEqual(result.problems, []);
  return result.config!;
}

/** Renders the layer on a test cluster; returns what it declared and the layer it hands the workloads. */
async function renderLayer(env: EnvironmentConfig, secrets: Record<string, string> = {}) {
  let layer: PlatformLayer | undefined;
  const out = await render(
    () => {
      const cloud: CloudLayer = {
        kubernetes: testProvider(),
        images: { server: "", namespace: "acme", builtImages: {} },
        zones: env.zones,
        outputs: {},
      };
      layer = deployPlatform(env, cloud);
      return { ...layer.outputs, readyUrns: layer.ready.map((r) => r.urn) };
    },
    { config: secrets, secretKeys: Object.keys(secrets) },
  );
  return { out, layer: layer! };
}

describe("platform layer", () => {
  it("composes the three add-ons of prod: HA, protected, routed over HTTPS from private ranges", async () => {
    const { out, layer } = await renderLayer(config(PROD));
    assert.deepEqual(layer.gateway, {
      controller: "envoy-gateway",
      name: "platform",
      namespace: "gateway-system",
      httpListener: "http",
      httpsListener: "https",
      // The labels Envoy Gateway gives the proxies, which the services' network policies admit.
      proxyPodLabels: { "app.kubernetes.io/component": "proxy", "gateway.envoyproxy.io/owning-gateway-name": "platform" },
    });
    assert.deepEqual(layer.monitoring, {
      namespace: "monitoring",
      selectorLabels: {},
      // The Prometheus Operator's labels on the pods of the release's Prometheus.
      prometheusPodLabels: { "app.kubernetes.io/name": "prometheus", prometheus: "kube-prometheus-stack-prometheus" },
    });
    const ready = (out.outputs["readyUrns"] as string[]).map((urn) => urn.split("::").pop()).sort();
    assert.deepEqual(
      ready,
      ["gateway-controller", "gateway-crds", "monitoring-crds"],
      "workloads wait for the CRDs of routes and monitors",
    );
    assert.deepEqual(
      {
        gatewayName: out.outputs["gatewayName"],
        gatewayNamespace: out.outputs["gatewayNamespace"],
        kibanaUrl: out.outputs["kibanaUrl"],
        grafanaUrl: out.outputs["grafanaUrl"],
      },
      {
        gatewayName: "platform",
        gatewayNamespace: "gateway-system",
        kibanaUrl: "https://kibana.acme.example.com",
        grafanaUrl: "https://grafana.acme.example.com",
      },
    );
    assert.match(String(out.outputs["kibanaPortForward"]), /^kubectl -n logging port-forward service\/logs-kb-http 5601:5601/);
    assert.deepEqual(out.object("Certificate", "platform-tls")["spec"].dnsNames, ["grafana.acme.example.com", "kibana.acme.example.com"]);
    assert.equal(out.object("Elasticsearch", "logs")["spec"].nodeSets[0].count, 3);
    assert.equal(out.named("logging-elasticsearch").protect, true);
    assert.equal(out.named("monitoring-stack").retainOnDelete, true);
    assert.equal(out.object("EnvoyProxy", "platform-proxy")["spec"].provider.kubernetes.envoyDeployment.replicas, 3);
    assert.equal(out.objects("PodMonitor").length, 1, "the gateway's proxies are scraped");
    for (const image of out.objects("Job").map((j) => j["spec"].template.spec.containers[0].image)) {
      assert.match(image, /^acme-prod-registry-vpc\.cn-hangzhou\.cr\.aliyuncs\.com\//);
    }
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });

  it("gives dev one replica of each, nothing protected, Kibana and Grafana by port-forward only", async () => {
    const { out, layer } = await renderLayer(config(DEV));
    assert.equal(layer.gateway?.httpsListener, undefined);
    assert.equal(out.outputs["kibanaUrl"], undefined);
    assert.equal(out.outputs["grafanaUrl"], undefined);
    assert.match(String(out.outputs["grafanaPortForward"]), /port-forward service\/kube-prometheus-stack-grafana/);
    assert.equal(out.object("Elasticsearch", "logs")["spec"].nodeSets[0].count, 1);
    assert.equal(
      out.resources.some((r) => r.protect),
      false,
    );
    assert.equal(out.objects("HTTPRoute").length, 0);
  });

  it("leaves out each add-on that is turned off", async () => {
    const { out, layer } = await renderLayer(config({ ...DEV, gateway: { enabled: false }, logging: { enabled: false } }));
    assert.equal(layer.gateway, undefined);
    assert.equal(out.objects("Gateway").length + out.objects("Elasticsearch").length, 0);
    assert.equal(out.objects("PodMonitor").length, 0, "no gateway to scrape");
    assert.ok(out.objects("PrometheusRule").length === 1);
    assert.deepEqual(Object.keys(out.outputs).sort(), ["grafanaPortForward", "readyUrns"]);
  });

  it("reads the named secrets from secret config: a TLS certificate, a receiver's URL, the Grafana password", async () => {
    const env = config(
      {
        ...DEV,
        gateway: { tls: { mode: "secret", certificateSecret: "gatewayCert", keySecret: "gatewayKey" } },
        monitoring: {
          grafana: { adminPasswordSecret: "grafanaAdminPassword" },
          alertmanager: { receivers: [{ name: "oncall", type: "dingtalk", urlSecret: "dingtalkUrl" }] },
        },
      },
      ["gatewayCert", "gatewayKey", "grafanaAdminPassword", "dingtalkUrl"],
    );
    const { out, layer } = await renderLayer(env, {
      gatewayCert: "CERT-PEM",
      gatewayKey: "KEY-PEM",
      grafanaAdminPassword: "hunter2-but-longer",
      dingtalkUrl: "https://oapi.dingtalk.com/robot/send?access_token=t0ken",
    });
    assert.equal(layer.gateway?.httpsListener, "https");
    assert.equal(out.object("Secret", "platform-tls")["stringData"], "[secret]");
    assert.equal(
      out.ofType("random:index/randomPassword:RandomPassword").length,
      2,
      "only the Elasticsearch users' passwords are generated",
    );
    assert.doesNotMatch(JSON.stringify(out.resources.map((r) => r.inputs)), /CERT-PEM|KEY-PEM|hunter2|t0ken/);
  });

  it("attaches to an ALB by IngressClass, without scraping Envoy", async () => {
    const { out, layer } = await renderLayer(
      config({
        ...DEV,
        gateway: { controller: "alb", addressType: "intranet", alb: { vswitchIds: ["vsw-a1", "vsw-b2"] } },
        logging: { kibana: { host: "kibana.dev.acme.example.com" } },
      }),
    );
    assert.deepEqual(layer.gateway, {
      controller: "alb",
      name: "platform",
      namespace: "gateway-system",
      httpListener: "http",
      ingressClassName: "alb",
    });
    assert.equal(out.object("Ingress", "kibana")["spec"].ingressClassName, "alb");
    assert.equal(out.objects("PodMonitor").length, 0);
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });
});
