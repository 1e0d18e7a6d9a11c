import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  contentHash,
  eckNames,
  eckOperatorValues,
  type ElasticsearchInput,
  elasticsearchSpec,
  fluentBitConfig,
  fluentBitValues,
  kibanaSpec,
  lifecycleFiles,
  lifecycleJobSpec,
  lifecycleScript,
  logIndexTemplate,
  logLifecyclePolicy,
  logRolesYaml,
} from "../../../components/platform/loggingValues";

const ES: ElasticsearchInput = {
  name: "logs",
  version: "8.19.4",
  nodes: 1,
  storage: "20Gi",
  storageClass: "alicloud-disk-essd",
  resources: { cpu: "1", memory: "2Gi" },
  zones: 1,
  retainVolumes: false,
  userSecrets: ["fluent-bit-credentials"],
  rolesSecret: "log-roles",
};

describe("logging values: Elasticsearch", () => {
  const table: Array<[Partial<ElasticsearchInput>, { count: number; policy: string; spread: boolean }]> = [
    [{}, { count: 1, policy: "DeleteOnScaledownAndClusterDeletion", spread: false }],
    [
      { nodes: 3, zones: 3, retainVolumes: true },
      { count: 3, policy: "DeleteOnScaledownOnly", spread: true },
    ],
    [
      { nodes: 5, zones: 2 },
      { count: 5, policy: "DeleteOnScaledownAndClusterDeletion", spread: true },
    ],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)}: ${expected.count} nodes, volumes ${expected.policy}`, () => {
      const spec = elasticsearchSpec({ ...ES, ...input });
      const set = spec.nodeSets[0]!;
      assert.equal(set.count, expected.count);
      assert.equal(spec.volumeClaimDeletePolicy, expected.policy);
      assert.equal("topologySpreadConstraints" in set.podTemplate.spec, expected.spread);
    });
  }

  it("stores data on the given class and size, disrupts one node at a time, and needs no mmap", () => {
    const spec = elasticsearchSpec({ ...ES, storage: "200Gi" });
    const claim = spec.nodeSets[0]!.volumeClaimTemplates[0]!;
    assert.equal(claim.metadata.name, "elasticsearch-data");
    assert.deepEqual(claim.spec, {
      accessModes: ["ReadWriteOnce"],
      storageClassName: "alicloud-disk-essd",
      resources: { requests: { storage: "200Gi" } },
    });
    assert.deepEqual(spec.podDisruptionBudget, {
      spec: { maxUnavailable: 1, selector: { matchLabels: { "elasticsearch.k8s.elastic.co/cluster-name": "logs" } } },
    });
    assert.equal(spec.nodeSets[0]!.config["node.store.allow_mmap"], false);
    assert.deepEqual(spec.nodeSets[0]!.podTemplate.spec.containers[0]!.resources, {
      requests: { cpu: "1", memory: "2Gi" },
      limits: { cpu: "2", memory: "2Gi" },
    });
    assert.deepEqual(spec.auth, { fileRealm: [{ secretName: "fluent-bit-credentials" }], roles: [{ secretName: "log-roles" }] });
  });
});

describe("logging values: Kibana", () => {
  it("keeps ECK's TLS when not routed, and hands TLS to the gateway when routed", () => {
    const plain = kibanaSpec({
      name: "logs",
      version: "8.19.4",
      replicas: 1,
      elasticsearchName: "logs",
      resources: { cpu: "500m", memory: "1Gi" },
    });
    assert.equal("http" in plain, false);
    assert.equal("config" in plain, false);
    const routed = kibanaSpec({
      name: "logs",
      version: "8.19.4",
      replicas: 2,
      elasticsearchName: "logs",
      resources: { cpu: "500m", memory: "1Gi" },
      publicUrl: "https://kibana.example.com",
    });
    assert.deepEqual((routed as any).http, { tls: { selfSignedCertificate: { disabled: true } } });
    assert.deepEqual((routed as any).config, { "server.publicBaseUrl": "https://kibana.example.com" });
    assert.equal(routed.count, 2);
    assert.deepEqual(routed.elasticsearchRef, { name: "logs" });
  });
});

describe("logging values: retention", () => {
  for (const days of [1, 7, 30, 365]) {
    it(`deletes an index ${days} days after it is created`, () => {
      assert.deepEqual(logLifecyclePolicy(days).policy.phases.delete, { min_age: `${days}d`, actions: { delete: {} } });
    });
  }

  const replicas: Array<[number, number]> = [
    [1, 0],
    [3, 1],
    [5, 1],
  ];
  for (const [nodes, expected] of replicas) {
    it(`gives indices ${expected} replica(s) on ${nodes} node(s), under the lifecycle policy`, () => {
      const template = logIndexTemplate(nodes);
      assert.equal(template.template.settings.number_of_replicas, expected);
      assert.equal(template.template.settings["index.lifecycle.name"], "kubernetes-logs");
      assert.deepEqual(template.index_patterns, ["kubernetes-*"]);
    });
  }

  it("changes the job's hash exactly when the files change", () => {
    const a = contentHash(lifecycleFiles(7, 3));
    assert.equal(contentHash(lifecycleFiles(7, 3)), a);
    assert.notEqual(contentHash(lifecycleFiles(8, 3)), a);
    assert.notEqual(contentHash(lifecycleFiles(7, 1)), a);
    assert.match(a, /^[0-9a-f]{16}$/);
  });

  it("applies policy then template over verified TLS, with credentials from the environment", () => {
    const script = lifecycleScript("https://logs-es-http.logging.svc:9200");
    const lines = script.split("\n");
    assert.equal(lines[0], "set -eu");
    assert.match(lines[1]!, /-X PUT 'https:\/\/logs-es-http\.logging\.svc:9200\/_ilm\/policy\/kubernetes-logs'/);
    assert.match(lines[2]!, /_index_template\/kubernetes-logs/);
    for (const line of lines.slice(1)) {
      assert.match(line, /--cacert \/etc\/elasticsearch-ca\/ca.crt/);
      assert.match(line, /-u "\$ES_USER:\$ES_PASSWORD"/);
      assert.doesNotMatch(line, /--insecure|-k /);
    }
  });

  it("runs the job restricted, from the mirror, with the hash in its template", () => {
    const job = lifecycleJobSpec({
      name: "log-lifecycle",
      namespace: "logging",
      esUrl: "https://x:9200",
      caSecret: "logs-es-http-certs-public",
      credentialsSecret: "log-lifecycle-credentials",
      configMap: "log-lifecycle",
      configHash: "abc",
      imageMirror: "m.example.com",
    });
    const container = job.template.spec.containers[0]!;
    assert.equal(container.image, "m.example.com/curlimages/curl:8.16.0");
    assert.equal(container.securityContext.runAsNonRoot, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(container.resources.limits, { cpu: "100m", memory: "32Mi" });
    assert.equal(job.template.metadata.annotations["ack-platform/lifecycle-hash"], "abc");
    assert.deepEqual(
      container.env.map((e) => e.valueFrom.secretKeyRef),
      [
        { name: "log-lifecycle-credentials", key: "username" },
        { name: "log-lifecycle-credentials", key: "password" },
      ],
    );
  });

  it("grants the writer only log indices, and the lifecycle user only lifecycle management", () => {
    const roles = logRolesYaml();
    assert.match(
      roles,
      /ack_platform_log_writer:\n {2}cluster: \["monitor"\]\n {2}indices:\n {4}- names: \["kubernetes-\*"\]\n {6}privileges: \["create_index", "index"\]/,
    );
    assert.match(roles, /ack_platform_log_lifecycle:\n {2}cluster: \["monitor", "manage_ilm", "manage_index_templates"\]/);
  });
});

describe("logging values: Fluent Bit", () => {
  const names = eckNames("logs", "logs");
  const values = fluentBitValues({
    esHost: `${names.esService}.logging.svc`,
    caConfigMap: names.collectorCaConfigMap,
    credentialsSecret: "fluent-bit-credentials",
    resources: { cpu: "100m", memory: "256Mi" },
  });

  it("ships every container log with Kubernetes metadata to Elasticsearch over verified TLS", () => {
    const config = fluentBitConfig({ esHost: "logs-es-http.logging.svc" });
    assert.match(config.inputs, /Path \/var\/log\/containers\/\*\.log/);
    assert.match(config.filters, /Name kubernetes/);
    for (const line of [
      "Host logs-es-http.logging.svc",
      "tls On",
      "tls.verify On",
      "tls.ca_file /fluent-bit/tls/ca.crt",
      "Suppress_Type_Name On",
      "Logstash_Prefix kubernetes",
      "HTTP_Passwd ${ES_PASSWORD}",
    ]) {
      assert.ok(
        config.outputs
          .split("\n")
          .map((l) => l.trim())
          .includes(line),
        `output has '${line}'`,
      );
    }
    assert.match(config.service, /storage.path/);
  });

  it("reads its credentials and CA from secrets, runs on every node, and has limits", () => {
    assert.equal(values.kind, "DaemonSet");
    assert.deepEqual(values.tolerations, [{ operator: "Exists" }]);
    assert.deepEqual(
      values.env.map((e) => e.valueFrom.secretKeyRef.name),
      ["fluent-bit-credentials", "fluent-bit-credentials"],
    );
    assert.equal(values.extraVolumes[0]!.configMap!.name, "logs-es-http-ca");
    assert.deepEqual(values.resources, { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "200m", memory: "256Mi" } });
    assert.equal(values.testFramework.enabled, false);
    assert.equal(values.image.repository, "cr.fluentbit.io/fluent/fluent-bit");
  });
});

describe("logging values: the operator", () => {
  it("watches only its namespace, leaves the CRDs to their own chart, and pulls from the mirror", () => {
    const plain = eckOperatorValues({ namespace: "logging" });
    assert.equal(plain.installCRDs, false);
    assert.deepEqual(plain.managedNamespaces, ["logging"]);
    assert.equal(plain.config.containerRegistry, "docker.elastic.co");
    assert.equal(plain.image.repository, "docker.elastic.co/eck/eck-operator");
    const mirrored = eckOperatorValues({ namespace: "logging", imageMirror: "m.example.com" });
    assert.equal(mirrored.config.containerRegistry, "m.example.com");
    assert.equal(mirrored.image.repository, "m.example.com/eck/eck-operator");
    assert.equal(mirrored.securityContext.allowPrivilegeEscalation, false);
  });
});
