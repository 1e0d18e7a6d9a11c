import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Logging, type LoggingArgs, validateLoggingArgs } from "../../../components/platform/logging";
import { CHARTS } from "../../../components/platform/upstream";
import type { RouteThrough } from "../../../components/platform/uiRoute";
import { assertValidObjects } from "../../kubernetesSchemas";
import { manifestsOf, render, type Rendered, testProvider } from "../../harness";

function renderLogging(args: LoggingArgs): Promise<Rendered> {
  return render(() => new Logging("logging", args, { provider: testProvider() }));
}

const GATEWAY: RouteThrough = {
  controller: "envoy-gateway",
  name: "platform",
  namespace: "gateway-system",
  listener: "https",
  https: true,
  ready: [],
};
const dependsOn = (out: Rendered, name: string, on: string) => out.named(name).dependsOn.includes(out.named(on).urn);

describe("Logging", () => {
  it("by default runs ECK, a one-node Elasticsearch, Kibana and Fluent Bit, nothing protected, Kibana not routed", async () => {
    const out = await renderLogging({});
    // Only the collector's namespace admits privileged pods: Elasticsearch and Kibana run under baseline.
    assert.equal(out.object("Namespace", "logging")["metadata"].labels["pod-security.kubernetes.io/enforce"], "baseline");
    assert.equal(out.object("Namespace", "log-collector")["metadata"].labels["pod-security.kubernetes.io/enforce"], "privileged");
    assert.equal(out.named("logging-fluent-bit").inputs["namespace"], "log-collector");
    const crds = out.named("logging-crds");
    assert.deepEqual([crds.inputs["chart"], crds.inputs["version"]], ["eck-operator-crds", CHARTS.eckOperatorCrds.version]);
    const operator = out.named("logging-operator");
    assert.deepEqual(
      [
        operator.inputs["name"],
        operator.inputs["namespace"],
        operator.inputs["chart"],
        operator.inputs["version"],
        (operator.inputs["repositoryOpts"] as any).repo,
      ],
      ["eck-operator", "logging", "eck-operator", "3.5.0", "https://helm.elastic.co"],
    );
    const fluentBit = out.named("logging-fluent-bit");
    assert.deepEqual(
      [fluentBit.inputs["name"], fluentBit.inputs["chart"], fluentBit.inputs["version"]],
      ["fluent-bit", "fluent-bit", "0.58.2"],
    );
    const es = out.object("Elasticsearch", "logs");
    assert.equal(es["spec"].nodeSets[0].count, 1);
    assert.equal(es["spec"].version, "8.19.4");
    assert.equal(out.object("Kibana", "logs")["spec"].elasticsearchRef.name, "logs");
    assert.equal(out.objects("HTTPRoute").length, 0, "Kibana is not routed without a host");
    for (const r of out.resources) assert.equal(r.protect, false, `${r.name} is not protected outside production`);
    assert.equal(out.object("ConfigMap", "log-lifecycle")["data"]["ilm-policy.json"].includes('"min_age": "7d"'), true);
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });

  it("orders the pipeline: CRDs, operator, Elasticsearch, lifecycle, then Fluent Bit", async () => {
    const out = await renderLogging({});
    assert.ok(dependsOn(out, "logging-operator", "logging-crds"));
    assert.ok(dependsOn(out, "logging-elasticsearch", "logging-operator"));
    assert.ok(dependsOn(out, "logging-elasticsearch", "logging-writer-credentials"));
    assert.ok(dependsOn(out, "logging-lifecycle", "logging-elasticsearch"));
    assert.ok(dependsOn(out, "logging-fluent-bit", "logging-lifecycle"), "the first index is created under the lifecycle policy");
  });

  it("generates the Elasticsearch users' passwords into Secrets marked secret, out of the chart values", async () => {
    const out = await renderLogging({});
    assert.equal(out.ofType("random:index/randomPassword:RandomPassword").length, 2);
    for (const name of ["fluent-bit-credentials", "log-lifecycle-credentials"]) {
      const secret = out.object("Secret", name);
      assert.equal(secret["type"], "kubernetes.io/basic-auth");
      assert.equal(secret["stringData"], "[secret]");
    }
    assert.doesNotMatch(JSON.stringify(out.named("logging-fluent-bit").inputs), /\[secret\]/);
    const env = (out.named("logging-fluent-bit").inputs["values"] as any).env;
    assert.equal(env[1].valueFrom.secretKeyRef.name, "fluent-bit-credentials");
  });

  it("in production keeps three nodes spread over zones and protects the data", async () => {
    const out = await renderLogging({
      elasticsearch: { nodes: 3, storage: "200Gi", memory: "8Gi", cpu: "2" },
      retentionDays: 30,
      zones: ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"],
      protectData: true,
    });
    for (const name of ["logging-namespace", "logging-crds", "logging-elasticsearch"]) {
      const r = out.named(name);
      assert.deepEqual([r.protect, r.retainOnDelete], [true, true], `${name} is protected and retained`);
    }
    const es = out.object("Elasticsearch", "logs")["spec"];
    assert.equal(es.nodeSets[0].count, 3);
    assert.equal(es.volumeClaimDeletePolicy, "DeleteOnScaledownOnly");
    assert.equal(es.podDisruptionBudget.spec.maxUnavailable, 1);
    assert.equal(es.nodeSets[0].podTemplate.spec.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
    assert.match(out.object("ConfigMap", "log-lifecycle")["data"]["ilm-policy.json"], /"min_age": "30d"/);
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });

  it("routes Kibana at its host through the gateway, admitting only private ranges", async () => {
    const out = await render(() => {
      const l = new Logging("logging", { kibana: { host: "kibana.example.com" }, gateway: GATEWAY }, { provider: testProvider() });
      return { url: l.kibanaUrl };
    });
    assert.equal(out.outputs["url"], "https://kibana.example.com");
    const route = out.object("HTTPRoute", "kibana");
    assert.deepEqual(route["spec"].hostnames, ["kibana.example.com"]);
    assert.deepEqual(route["spec"].parentRefs[0], {
      group: "gateway.networking.k8s.io",
      kind: "Gateway",
      name: "platform",
      namespace: "gateway-system",
      sectionName: "https",
    });
    assert.deepEqual(route["spec"].rules[0].backendRefs, [{ name: "logs-kb-http", port: 5601 }]);
    const policy = out.object("SecurityPolicy", "kibana");
    assert.equal(policy["spec"].authorization.defaultAction, "Deny");
    assert.deepEqual(policy["spec"].authorization.rules[0].principal.clientCIDRs, ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);
    assert.equal(out.object("Kibana", "logs")["spec"].config["server.publicBaseUrl"], "https://kibana.example.com");
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });

  it("makes Kibana public only when the ranges admit everyone, and routes through an ALB by Ingress", async () => {
    const open = await renderLogging({ kibana: { host: "kibana.example.com", allowedSourceRanges: ["0.0.0.0/0"] }, gateway: GATEWAY });
    assert.equal(open.objects("SecurityPolicy").length, 0);
    const alb = await renderLogging({
      kibana: { host: "kibana.example.com" },
      gateway: {
        controller: "alb",
        name: "platform",
        namespace: "gateway-system",
        listener: "http",
        ingressClassName: "alb",
        https: false,
        ready: [],
      },
    });
    const ingress = alb.object("Ingress", "kibana");
    assert.equal(ingress["spec"].ingressClassName, "alb");
    assert.equal(ingress["spec"].rules[0].host, "kibana.example.com");
    assert.equal(alb.objects("HTTPRoute").length, 0);
    await assertValidObjects(manifestsOf(alb).map((m) => m.object));
  });

  it("pulls every image from the mirror", async () => {
    const out = await renderLogging({ imageMirror: "acme.cn-hangzhou.cr.aliyuncs.com" });
    assert.equal((out.named("logging-operator").inputs["values"] as any).config.containerRegistry, "acme.cn-hangzhou.cr.aliyuncs.com");
    assert.equal(
      (out.named("logging-fluent-bit").inputs["values"] as any).image.repository,
      "acme.cn-hangzhou.cr.aliyuncs.com/fluent/fluent-bit",
    );
    assert.equal(
      out.object("Job", "log-lifecycle")["spec"].template.spec.containers[0].image,
      "acme.cn-hangzhou.cr.aliyuncs.com/curlimages/curl:8.16.0",
    );
  });
});

describe("validateLoggingArgs", () => {
  const cases: Array<[string, LoggingArgs, RegExp]> = [
    [
      "two nodes",
      { elasticsearch: { nodes: 2 } },
      /Logging elasticsearch.nodes: 2 is not accepted: two nodes cannot keep a master quorum when one is lost; use 1, or 3 and more/,
    ],
    ["a retention of 0 days", { retentionDays: 0 }, /Logging retentionDays: 0 is not an integer between 1 and 3650/],
    [
      "a version 7",
      { elasticsearch: { version: "7.17.0" } },
      /Logging elasticsearch.version: '7.17.0' is not an Elasticsearch 8 or 9 version/,
    ],
    ["a memory of 1GB", { elasticsearch: { memory: "1GB" } }, /Logging elasticsearch.memory: '1GB' is not a memory quantity/],
    ["a host without a gateway", { kibana: { host: "kibana.example.com" } }, /Logging gateway: is required when kibana.host is set/],
    [
      "a range that is not a CIDR",
      { kibana: { allowedSourceRanges: ["10.0.0.0"] } },
      /Logging kibana.allowedSourceRanges\[0\]: '10.0.0.0' is not an IPv4 CIDR block/,
    ],
    [
      "Fluent Bit without a CPU quantity",
      { fluentBit: { cpu: "lots", memory: "256Mi" } },
      /Logging fluentBit.cpu: 'lots' is not a CPU quantity/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what}`, () => assert.throws(() => validateLoggingArgs(args), message));
  }
});

describe("Logging: zones, availability and the network", () => {
  it("spreads Elasticsearch over zones with shard awareness, budgets Kibana, and mounts no token in the lifecycle job", async () => {
    const out = await renderLogging({
      elasticsearch: { nodes: 3, storage: "50Gi" },
      kibana: { replicas: 2 },
      zones: ["a-1a", "a-1b", "a-1c"],
    });
    const set = out.object("Elasticsearch", "logs")["spec"].nodeSets[0];
    assert.deepEqual(set.zoneAwareness, {});
    assert.deepEqual(set.podTemplate.spec.topologySpreadConstraints[0], {
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "DoNotSchedule",
      nodeTaintsPolicy: "Honor",
      labelSelector: {
        matchLabels: {
          "elasticsearch.k8s.elastic.co/cluster-name": "logs",
          "elasticsearch.k8s.elastic.co/statefulset-name": "logs-es-default",
        },
      },
    });
    assert.deepEqual(out.object("PodDisruptionBudget", "logs-kb")["spec"], {
      maxUnavailable: 1,
      selector: { matchLabels: { "kibana.k8s.elastic.co/name": "logs" } },
    });
    assert.equal(out.object("Job", "log-lifecycle")["spec"].template.spec.automountServiceAccountToken, false);
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });

  it("issues Elasticsearch's HTTP certificate from the program's CA, whose certificate Fluent Bit reads in its own namespace", async () => {
    const out = await renderLogging({});
    assert.deepEqual(out.object("Elasticsearch", "logs")["spec"].http, { tls: { certificate: { secretName: "logs-es-http-ca" } } });
    assert.equal(out.object("Secret", "logs-es-http-ca")["stringData"], "[secret]");
    const ca = out.objects("ConfigMap").find((c) => c["metadata"].name === "logs-es-http-ca")!;
    assert.equal(ca["metadata"].namespace, "log-collector");
    assert.match(ca["data"]["ca.crt"], /^-----BEGIN CERTIFICATE-----/);
    assert.equal((out.named("logging-collector-credentials").inputs["metadata"] as any).namespace, "log-collector");
  });

  it("refuses a disk below the class's minimum and the collector in the logging namespace, all at once", () => {
    assert.throws(
      () => validateLoggingArgs({ elasticsearch: { storage: "10Gi" }, collectorNamespace: "logging" }),
      (err: Error) =>
        /Logging collectorNamespace: 'logging' is the logging namespace: the collector's namespace admits privileged pods/.test(
          err.message,
        ) && /Logging elasticsearch.storage: '10Gi' is not at least '20Gi'/.test(err.message),
    );
  });
});
