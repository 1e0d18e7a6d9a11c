/**
 * The EFK stack's chart values and object specs, as pure functions: the ECK operator, the
 * Elasticsearch and Kibana resources it manages, the index lifecycle that keeps logs N days, the
 * Elasticsearch users and roles, and Fluent Bit shipping every container's log over TLS.
 */
import { createHash } from "node:crypto";
import { lifecyclePods } from "./addonPolicies";
import { containerResources, type Resources } from "./gatewayValues";
import { imageTag, mirroredImage, mirroredRegistry, mirroredRepository, parseImage, repositoryOf } from "./images";
import { IMAGES } from "./upstream";

/** Prefix of the daily log indices ("kubernetes-2026.05.01"), and of the index template and policy. */
export const LOG_INDEX_PREFIX = "kubernetes";
export const LOG_POLICY = "kubernetes-logs";
export const WRITER_ROLE = "ack_platform_log_writer";
export const LIFECYCLE_ROLE = "ack_platform_log_lifecycle";

/** Names ECK derives from an Elasticsearch or Kibana resource's name. */
export const eckNames = (es: string, kb: string) => ({
  /** HTTPS service of Elasticsearch. */
  esService: `${es}-es-http`,
  /** Public half of Elasticsearch's HTTP certificate: the CA that the lifecycle job trusts. */
  esCaSecret: `${es}-es-http-certs-public`,
  /** The CA (certificate and key) ECK issues Elasticsearch's HTTP certificate from. */
  esHttpCaSecret: `${es}-es-http-ca`,
  /** The CA's certificate in the collector's namespace, which Fluent Bit trusts. */
  collectorCaConfigMap: `${es}-es-http-ca`,
  kbService: `${kb}-kb-http`,
});

/** Values of the eck-operator chart: the operator watches only the logging namespace. */
export function eckOperatorValues(input: { readonly namespace: string; readonly imageMirror?: string }) {
  return {
    // The CRDs are applied on their own (and kept), so removing the operator never deletes the data.
    installCRDs: false,
    managedNamespaces: [input.namespace],
    image: { repository: mirroredRepository(repositoryOf(IMAGES.eckOperator), input.imageMirror), tag: imageTag(IMAGES.eckOperator) },
    config: {
      // ECK composes the Elasticsearch and Kibana images from this registry and their own paths
      // (elasticsearch/elasticsearch, kibana/kibana), which is how the mirror is laid out.
      containerRegistry: mirroredRegistry(parseImage(IMAGES.eckOperator).registry, input.imageMirror),
    },
    resources: containerResources({ cpu: "100m", memory: "512Mi" }),
    podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    },
  };
}

export interface ElasticsearchInput {
  readonly name: string;
  readonly version: string;
  readonly nodes: number;
  readonly storage: string;
  readonly storageClass: string;
  readonly resources: Resources;
  readonly zones: number;
  /** Keep the volumes when the Elasticsearch resource is deleted (production). */
  readonly retainVolumes: boolean;
  /** Secrets of type kubernetes.io/basic-auth that define the file-realm users. */
  readonly userSecrets: readonly string[];
  /** Secret holding roles.yml. */
  readonly rolesSecret: string;
  /** Secret with `ca.crt` and `ca.key` ECK issues the HTTP certificate from; ECK's own CA when unset. */
  readonly httpCaSecret?: string;
}

/** Labels of the pods of one node set, which ECK sets and its default zone spread selects. */
export function nodeSetPods(cluster: string, nodeSet: string) {
  return {
    "elasticsearch.k8s.elastic.co/cluster-name": cluster,
    "elasticsearch.k8s.elastic.co/statefulset-name": `${cluster}-es-${nodeSet}`,
  };
}

/**
 * Spec of the Elasticsearch resource. Over several zones, ECK's zone awareness (3.4 and later)
 * annotates each pod with its node's zone, sets `node.attr.zone` from it and
 * `cluster.routing.allocation.awareness.attributes: k8s_node_name,zone`, so that a shard's primary
 * and replica never share a zone; the zone spread here replaces ECK's default one (same topology
 * key) to add `nodeTaintsPolicy: Honor`, so that a zone that is down does not block rescheduling.
 */
export function elasticsearchSpec(input: ElasticsearchInput) {
  const selector = { "elasticsearch.k8s.elastic.co/cluster-name": input.name };
  const nodeSet = "default";
  const zoneAware = input.zones > 1 && input.nodes > 1;
  return {
    version: input.version,
    nodeSets: [
      {
        name: nodeSet,
        count: input.nodes,
        config: {
          // Containers cannot raise vm.max_map_count without privileges; without mmap they need not.
          "node.store.allow_mmap": false,
          // The network policy admits no egress to the internet, where the GeoIP databases come from.
          "ingest.geoip.downloader.enabled": false,
        },
        ...(zoneAware ? { zoneAwareness: {} } : {}),
        podTemplate: {
          spec: {
            containers: [{ name: "elasticsearch", resources: containerResources(input.resources) }],
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: selector } } },
                ],
              },
            },
            ...(zoneAware
              ? {
                  topologySpreadConstraints: [
                    {
                      maxSkew: 1,
                      topologyKey: "topology.kubernetes.io/zone",
                      whenUnsatisfiable: "DoNotSchedule",
                      nodeTaintsPolicy: "Honor",
                      labelSelector: { matchLabels: nodeSetPods(input.name, nodeSet) },
                    },
                  ],
                }
              : {}),
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: "elasticsearch-data" },
            spec: {
              accessModes: ["ReadWriteOnce"],
              storageClassName: input.storageClass,
              resources: { requests: { storage: input.storage } },
            },
          },
        ],
      },
    ],
    // ECK issues and rotates the HTTP certificate from this CA, which the program owns, so that its
    // certificate can be given to Fluent Bit in another namespace.
    ...(input.httpCaSecret ? { http: { tls: { certificate: { secretName: input.httpCaSecret } } } } : {}),
    // One node at a time: each node holds its own volume, and the others keep the replicas.
    podDisruptionBudget: { spec: { maxUnavailable: 1, selector: { matchLabels: selector } } },
    updateStrategy: { changeBudget: { maxUnavailable: 1 } },
    volumeClaimDeletePolicy: input.retainVolumes ? "DeleteOnScaledownOnly" : "DeleteOnScaledownAndClusterDeletion",
    auth: {
      fileRealm: input.userSecrets.map((secretName) => ({ secretName })),
      roles: [{ secretName: input.rolesSecret }],
    },
  };
}

export interface KibanaInput {
  readonly name: string;
  readonly version: string;
  readonly replicas: number;
  readonly elasticsearchName: string;
  readonly resources: Resources;
  /** The URL Kibana is reached at through the gateway, when it is routed. */
  readonly publicUrl?: string;
}

/** Spec of the Kibana resource. */
export function kibanaSpec(input: KibanaInput) {
  return {
    version: input.version,
    count: input.replicas,
    elasticsearchRef: { name: input.elasticsearchName },
    ...(input.publicUrl ? { config: { "server.publicBaseUrl": input.publicUrl } } : {}),
    // Routed, TLS ends at the gateway, which speaks plain HTTP to Kibana inside the cluster; not
    // routed, Kibana keeps ECK's self-signed certificate for port-forwarded access.
    ...(input.publicUrl ? { http: { tls: { selfSignedCertificate: { disabled: true } } } } : {}),
    podTemplate: { spec: { containers: [{ name: "kibana", resources: containerResources(input.resources) }] } },
  };
}

/** A PodDisruptionBudget for Kibana, which ECK does not make: one replica at a time. */
export function kibanaDisruptionBudgetSpec(kibana: string) {
  return { maxUnavailable: 1, selector: { matchLabels: { "kibana.k8s.elastic.co/name": kibana } } };
}

/** roles.yml: a writer that can only create and write log indices, and a role that manages their lifecycle. */
export function logRolesYaml(): string {
  return [
    `${WRITER_ROLE}:`,
    `  cluster: ["monitor"]`,
    `  indices:`,
    `    - names: ["${LOG_INDEX_PREFIX}-*"]`,
    `      privileges: ["create_index", "index"]`,
    `${LIFECYCLE_ROLE}:`,
    `  cluster: ["monitor", "manage_ilm", "manage_index_templates"]`,
    "",
  ].join("\n");
}

/** The index lifecycle policy: logs are deleted `retentionDays` after their daily index is created. */
export function logLifecyclePolicy(retentionDays: number) {
  return {
    policy: {
      _meta: { managedBy: "ack-platform" },
      phases: {
        hot: { min_age: "0ms", actions: { set_priority: { priority: 100 } } },
        delete: { min_age: `${retentionDays}d`, actions: { delete: {} } },
      },
    },
  };
}

/** The index template that puts every new log index under the lifecycle policy. */
export function logIndexTemplate(nodes: number) {
  return {
    index_patterns: [`${LOG_INDEX_PREFIX}-*`],
    priority: 200,
    _meta: { managedBy: "ack-platform" },
    template: {
      settings: {
        "index.lifecycle.name": LOG_POLICY,
        number_of_shards: 1,
        // A replica needs a second node; a single node would otherwise stay yellow forever.
        number_of_replicas: nodes > 1 ? 1 : 0,
      },
    },
  };
}

/** The files the lifecycle job sends to Elasticsearch, as a ConfigMap's data. */
export function lifecycleFiles(retentionDays: number, nodes: number): Record<string, string> {
  return {
    "ilm-policy.json": JSON.stringify(logLifecyclePolicy(retentionDays), null, 2),
    "index-template.json": JSON.stringify(logIndexTemplate(nodes), null, 2),
  };
}

/** A short stable digest of the lifecycle files: it changes the job's template, so a change reruns the job. */
export function contentHash(files: Record<string, string>): string {
  const hash = createHash("sha256");
  for (const key of Object.keys(files).sort()) hash.update(`${key}\u0000${files[key]}\u0000`);
  return hash.digest("hex").slice(0, 16);
}

/** The shell script of the lifecycle job: PUT the policy, then the template, retrying until Elasticsearch answers. */
export function lifecycleScript(esUrl: string): string {
  const curl = `curl --fail-with-body --silent --show-error --cacert /etc/elasticsearch-ca/ca.crt -u "$ES_USER:$ES_PASSWORD" --retry 60 --retry-delay 10 --retry-all-errors -H 'Content-Type: application/json'`;
  return [
    "set -eu",
    `${curl} -X PUT '${esUrl}/_ilm/policy/${LOG_POLICY}' --data @/etc/log-lifecycle/ilm-policy.json`,
    `${curl} -X PUT '${esUrl}/_index_template/${LOG_POLICY}' --data @/etc/log-lifecycle/index-template.json`,
  ].join("\n");
}

/** A container's securityContext under the restricted Pod Security Standard. */
export function restrictedContainer(user = 65532) {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: user,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export interface LifecycleJobInput {
  readonly name: string;
  readonly namespace: string;
  readonly esUrl: string;
  readonly caSecret: string;
  readonly credentialsSecret: string;
  readonly configMap: string;
  readonly configHash: string;
  readonly imageMirror?: string;
}

/** Spec of the job that installs the lifecycle policy and index template. */
export function lifecycleJobSpec(input: LifecycleJobInput) {
  return {
    backoffLimit: 6,
    template: {
      metadata: { labels: { ...lifecyclePods }, annotations: { "ack-platform/lifecycle-hash": input.configHash } },
      spec: {
        restartPolicy: "OnFailure",
        // It talks to Elasticsearch only, never to the API server.
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "apply",
            image: mirroredImage(IMAGES.curl, input.imageMirror),
            command: ["/bin/sh", "-c", lifecycleScript(input.esUrl)],
            env: [
              { name: "ES_USER", valueFrom: { secretKeyRef: { name: input.credentialsSecret, key: "username" } } },
              { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: input.credentialsSecret, key: "password" } } },
            ],
            resources: containerResources({ cpu: "50m", memory: "32Mi" }),
            securityContext: restrictedContainer(100),
            volumeMounts: [
              { name: "lifecycle", mountPath: "/etc/log-lifecycle", readOnly: true },
              { name: "elasticsearch-ca", mountPath: "/etc/elasticsearch-ca", readOnly: true },
            ],
          },
        ],
        volumes: [
          { name: "lifecycle", configMap: { name: input.configMap } },
          { name: "elasticsearch-ca", secret: { secretName: input.caSecret, items: [{ key: "ca.crt", path: "ca.crt" }] } },
        ],
      },
    },
  };
}

export interface FluentBitInput {
  readonly esHost: string;
  /** ConfigMap holding `ca.crt`, the CA of Elasticsearch's HTTP certificate. */
  readonly caConfigMap: string;
  readonly credentialsSecret: string;
  readonly resources: Resources;
  readonly imageMirror?: string;
}

/** Fluent Bit's pipeline: tail every container log, add Kubernetes metadata, ship to Elasticsearch over verified TLS. */
export function fluentBitConfig(input: Pick<FluentBitInput, "esHost">) {
  return {
    service: [
      "[SERVICE]",
      "    Daemon Off",
      "    Flush 1",
      "    Log_Level info",
      "    Parsers_File parsers.conf",
      "    Parsers_File custom_parsers.conf",
      "    HTTP_Server On",
      "    HTTP_Listen 0.0.0.0",
      "    HTTP_Port 2020",
      "    Health_Check On",
      // Buffers on the node's disk, so an Elasticsearch outage or a restart loses no log lines.
      "    storage.path /var/fluent-bit/state/buffer",
      "    storage.sync normal",
      "    storage.backlog.mem_limit 16M",
      "",
    ].join("\n"),
    inputs: [
      "[INPUT]",
      "    Name tail",
      "    Path /var/log/containers/*.log",
      "    multiline.parser docker, cri",
      "    Tag kube.*",
      // Read positions survive restarts, so lines are neither lost nor shipped twice.
      "    DB /var/fluent-bit/state/tail.db",
      "    Mem_Buf_Limit 32MB",
      "    Skip_Long_Lines On",
      "    storage.type filesystem",
      "",
    ].join("\n"),
    filters: [
      "[FILTER]",
      "    Name kubernetes",
      "    Match kube.*",
      "    Merge_Log On",
      "    Keep_Log Off",
      "    K8S-Logging.Parser On",
      "    K8S-Logging.Exclude On",
      "",
    ].join("\n"),
    outputs: [
      "[OUTPUT]",
      "    Name es",
      "    Match kube.*",
      `    Host ${input.esHost}`,
      "    Port 9200",
      "    HTTP_User ${ES_USER}",
      "    HTTP_Passwd ${ES_PASSWORD}",
      "    tls On",
      "    tls.verify On",
      "    tls.ca_file /fluent-bit/tls/ca.crt",
      "    Logstash_Format On",
      `    Logstash_Prefix ${LOG_INDEX_PREFIX}`,
      // Elasticsearch 8 refuses mapping types; dots in Kubernetes label keys would clash as objects.
      "    Suppress_Type_Name On",
      "    Replace_Dots On",
      "    Retry_Limit False",
      "    storage.total_limit_size 2G",
      "",
    ].join("\n"),
  };
}

/** Values of the fluent-bit chart: a DaemonSet on every node, tainted ones included. */
export function fluentBitValues(input: FluentBitInput) {
  return {
    kind: "DaemonSet",
    image: { repository: mirroredRepository(repositoryOf(IMAGES.fluentBit), input.imageMirror), tag: imageTag(IMAGES.fluentBit) },
    testFramework: { enabled: false },
    resources: containerResources(input.resources),
    priorityClassName: "system-node-critical",
    tolerations: [{ operator: "Exists" }],
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    },
    env: [
      { name: "ES_USER", valueFrom: { secretKeyRef: { name: input.credentialsSecret, key: "username" } } },
      { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: input.credentialsSecret, key: "password" } } },
    ],
    extraVolumes: [
      { name: "elasticsearch-ca", configMap: { name: input.caConfigMap, items: [{ key: "ca.crt", path: "ca.crt" }] } },
      { name: "state", hostPath: { path: "/var/fluent-bit/state", type: "DirectoryOrCreate" } },
    ],
    extraVolumeMounts: [
      { name: "elasticsearch-ca", mountPath: "/fluent-bit/tls", readOnly: true },
      { name: "state", mountPath: "/var/fluent-bit/state" },
    ],
    config: fluentBitConfig(input),
  };
}
