/**
 * EFK logging: Elasticsearch and Kibana run by the ECK operator, Fluent Bit on every node shipping
 * every container's log with its Kubernetes metadata to Elasticsearch over verified TLS, and an index
 * lifecycle that deletes logs after N days. The field's complaint was logs lost with the container
 * and no way to see what happened: here the logs outlive the pods, and Elasticsearch's data outlives
 * mistakes in production (protected resources, volumes kept, one node disrupted at a time).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { adminRouteSpecs, PRIVATE_RANGES, routedUrl } from "./adminRoute";
import { collectorPolicies, loggingPolicies, proxyPodLabels, type UiClients } from "./addonPolicies";
import { declareRoute, type RouteThrough } from "./uiRoute";
import type { Resources } from "./gatewayValues";
import { crdChart, helmRelease, type PullSource, pullSourceProblems } from "./helm";
import {
  contentHash,
  eckNames,
  eckOperatorValues,
  elasticsearchSpec,
  fluentBitValues,
  kibanaDisruptionBudgetSpec,
  kibanaSpec,
  LIFECYCLE_ROLE,
  lifecycleFiles,
  lifecycleJobSpec,
  logRolesYaml,
  WRITER_ROLE,
} from "./loggingValues";
import { addonNamespaceSpec, CPU_QUANTITY, DNS_LABEL, HOSTNAME, IPV4_CIDR, MEMORY_QUANTITY } from "./namespace";
import { declareNetworkPolicies, namespacePolicySpecs } from "./networkPolicy";
import { diskClaimProblem } from "./storage";
import { CHARTS } from "./upstream";
import { missing, type Problem, problemList, showValue, throwProblems } from "./validation";

export const LOGGING_TYPE = "ack-platform:platform:Logging";

export interface LoggingArgs {
  /**
   * Namespace of the operator, Elasticsearch and Kibana; it enforces the baseline Pod Security level.
   * @default "logging"
   */
  readonly namespace?: string;
  /**
   * Namespace of Fluent Bit, the node agent that reads the hosts' log files: the only pods of the
   * `privileged` namespace, so nothing else runs with that level.
   * @default "log-collector"
   */
  readonly collectorNamespace?: string;
  /**
   * Days a day's log index is kept before the lifecycle policy deletes it.
   * @default 7
   */
  readonly retentionDays?: number;
  /** The Elasticsearch cluster. */
  readonly elasticsearch?: {
    /** @default "8.19.4" */
    readonly version?: string;
    /** Nodes; 1, or 3 and more (2 cannot keep a master quorum when one is lost). @default 1 */
    readonly nodes?: number;
    /** Volume size of each node. @default "20Gi" */
    readonly storage?: string;
    /**
     * Storage class of the volumes; on a known disk class the size must be one its disks come in.
     * @default "alicloud-disk-topology-alltype" (ACK's class that binds where the pod is scheduled)
     */
    readonly storageClass?: string;
    /** Memory of each node (request and limit); the JVM heap is sized from it. @default "2Gi" */
    readonly memory?: string;
    /** CPU request of each node. @default "1" */
    readonly cpu?: string;
  };
  readonly kibana?: {
    /** @default 1 */
    readonly replicas?: number;
    /** Host Kibana is routed at through the gateway; not routed (port-forward only) when unset. @default undefined */
    readonly host?: string;
    /** Client ranges admitted to the routed Kibana; "0.0.0.0/0" makes it public. @default PRIVATE_RANGES */
    readonly allowedSourceRanges?: readonly string[];
    /** @default { cpu: "500m", memory: "1Gi" } */
    readonly resources?: Resources;
  };
  /**
   * Requests of each Fluent Bit pod (memory is also its limit).
   * @default { cpu: "100m", memory: "256Mi" }
   */
  readonly fluentBit?: Resources;
  /**
   * The gateway Kibana is routed through; required when `kibana.host` is set.
   * @default undefined
   */
  readonly gateway?: RouteThrough;
  /**
   * Zones the nodes run in; Elasticsearch nodes are spread over them.
   * @default []
   */
  readonly zones?: readonly string[];
  /**
   * Protect the data from deletion (production): the namespace, the CRDs and Elasticsearch are
   * `protect`ed and retained on delete, and the volumes are kept if Elasticsearch is removed.
   * @default false
   */
  readonly protectData?: boolean;
  /**
   * Registry host mirroring the public registries (docker.elastic.co, cr.fluentbit.io, docker.io; see PullSource).
   * @default undefined
   */
  readonly imageMirror?: string;
  /**
   * Registry host holding the charts at `oci://<chartMirror>/charts/<chart>` (see PullSource).
   * @default undefined (fetch the charts from their upstream repositories)
   */
  readonly chartMirror?: string;
  /**
   * What fills the mirrors, resolved once they hold every chart and image (see PullSource).
   * @default [] (nothing to wait for)
   */
  readonly mirrorReady?: PullSource["mirrorReady"];
}

/** The args with their defaults: the only place defaults are applied. */
export function resolveLoggingArgs(args: LoggingArgs) {
  const es = args.elasticsearch ?? {};
  const kb = args.kibana ?? {};
  return {
    namespace: args.namespace ?? "logging",
    collectorNamespace: args.collectorNamespace ?? "log-collector",
    retentionDays: args.retentionDays ?? 7,
    elasticsearch: {
      version: es.version ?? "8.19.4",
      nodes: es.nodes ?? 1,
      storage: es.storage ?? "20Gi",
      storageClass: es.storageClass ?? "alicloud-disk-topology-alltype",
      memory: es.memory ?? "2Gi",
      cpu: es.cpu ?? "1",
    },
    kibana: {
      replicas: kb.replicas ?? 1,
      host: kb.host,
      allowedSourceRanges: kb.allowedSourceRanges ?? PRIVATE_RANGES,
      resources: kb.resources ?? { cpu: "500m", memory: "1Gi" },
    },
    fluentBit: args.fluentBit ?? { cpu: "100m", memory: "256Mi" },
    gateway: args.gateway,
    zones: args.zones ?? [],
    protectData: args.protectData ?? false,
    imageMirror: args.imageMirror,
    chartMirror: args.chartMirror,
    mirrorReady: args.mirrorReady,
  };
}

export type ResolvedLoggingArgs = ReturnType<typeof resolveLoggingArgs>;

/** Every problem with resolved args: the field, the value and what is accepted. */
export function loggingProblems(a: ResolvedLoggingArgs): Problem[] {
  const { problems, fail } = problemList();
  if (!DNS_LABEL.test(a.namespace)) fail("namespace", a.namespace, "a DNS label");
  if (!DNS_LABEL.test(a.collectorNamespace)) fail("collectorNamespace", a.collectorNamespace, "a DNS label");
  else if (a.collectorNamespace === a.namespace)
    problems.push({
      field: "collectorNamespace",
      message: `${showValue(a.collectorNamespace)} is the logging namespace: the collector's namespace admits privileged pods, so it holds nothing else`,
    });
  if (!Number.isInteger(a.retentionDays) || a.retentionDays < 1 || a.retentionDays > 3650) {
    fail("retentionDays", a.retentionDays, "an integer between 1 and 3650");
  }
  const es = a.elasticsearch;
  if (!/^[89]\.\d+\.\d+$/.test(es.version)) fail("elasticsearch.version", es.version, "an Elasticsearch 8 or 9 version such as '8.19.4'");
  if (!Number.isInteger(es.nodes) || es.nodes < 1 || es.nodes > 50) fail("elasticsearch.nodes", es.nodes, "an integer between 1 and 50");
  if (es.nodes === 2)
    fail("elasticsearch.nodes", es.nodes, "accepted: two nodes cannot keep a master quorum when one is lost; use 1, or 3 and more");
  if (!MEMORY_QUANTITY.test(es.storage)) fail("elasticsearch.storage", es.storage, "a size such as '50Gi'");
  else {
    const disk = diskClaimProblem(es.storage, es.storageClass);
    if (disk) fail("elasticsearch.storage", es.storage, disk);
  }
  if (!MEMORY_QUANTITY.test(es.memory)) fail("elasticsearch.memory", es.memory, "a memory quantity such as '4Gi'");
  if (!CPU_QUANTITY.test(es.cpu)) fail("elasticsearch.cpu", es.cpu, "a CPU quantity such as '500m' or '2'");
  if (es.storageClass.trim() === "") fail("elasticsearch.storageClass", es.storageClass, "a storage class name");
  const kb = a.kibana;
  if (!Number.isInteger(kb.replicas) || kb.replicas < 1 || kb.replicas > 5)
    fail("kibana.replicas", kb.replicas, "an integer between 1 and 5");
  if (kb.host !== undefined && !HOSTNAME.test(kb.host)) fail("kibana.host", kb.host, "a host name such as 'kibana.example.com'");
  if (kb.host !== undefined && !a.gateway) problems.push(missing("gateway", "when kibana.host is set: Kibana is routed through it"));
  if (kb.allowedSourceRanges.length === 0) fail("kibana.allowedSourceRanges", kb.allowedSourceRanges, "a non-empty list of CIDR blocks");
  kb.allowedSourceRanges.forEach((range, i) => {
    if (!IPV4_CIDR.test(range)) fail(`kibana.allowedSourceRanges[${i}]`, range, "an IPv4 CIDR block such as '10.0.0.0/8'");
  });
  for (const [field, r] of [
    ["kibana.resources", kb.resources],
    ["fluentBit", a.fluentBit],
  ] as const) {
    if (!CPU_QUANTITY.test(r.cpu)) fail(`${field}.cpu`, r.cpu, "a CPU quantity such as '100m'");
    if (!MEMORY_QUANTITY.test(r.memory)) fail(`${field}.memory`, r.memory, "a memory quantity such as '256Mi'");
  }
  problems.push(...pullSourceProblems(a));
  return problems;
}

/** Throws every problem of the args at once; nothing is declared after a throw. */
export function validateLoggingArgs(args: LoggingArgs): void {
  throwProblems("Logging", loggingProblems(resolveLoggingArgs(args)));
}

/** Years the CA of Elasticsearch's HTTP certificate is valid; `pulumi up` renews it in its last year. */
const CA_YEARS = 10;

/** EFK logging: see the module comment. */
export class Logging extends pulumi.ComponentResource {
  /** In-cluster URL of Elasticsearch (HTTPS, a certificate ECK issues from the program's CA). */
  readonly elasticsearchUrl: pulumi.Output<string>;
  /** Kibana's URL through the gateway, when it is routed. */
  readonly kibanaUrl?: pulumi.Output<string>;
  /** The command that reaches Kibana from a workstation, routed or not. */
  readonly kibanaPortForward: pulumi.Output<string>;

  constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = resolveLoggingArgs(args);
    throwProblems("Logging", loggingProblems(a));
    super(LOGGING_TYPE, name, {}, opts);
    const keep = a.protectData ? { protect: true, retainOnDelete: true } : {};
    const esName = "logs";
    const kbName = "logs";
    const names = eckNames(esName, kbName);

    // Elasticsearch, Kibana and the operator need nothing of the host: baseline admits none of it.
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, addonNamespaceSpec(a.namespace, "baseline", "logging"), {
      parent: this,
      ...keep,
    });
    const ns = namespace.metadata.name;
    // Fluent Bit reads the nodes' log files: its namespace admits privileged pods, and holds nothing else.
    const collectorNamespace = new k8s.core.v1.Namespace(
      `${name}-collector-namespace`,
      addonNamespaceSpec(a.collectorNamespace, "privileged", "logging"),
      { parent: this },
    );
    const collectorNs = collectorNamespace.metadata.name;
    const gateway = a.gateway;
    const kibanaClients: UiClients =
      a.kibana.host && gateway
        ? gateway.controller === "envoy-gateway"
          ? { proxies: { namespace: gateway.namespace, pods: proxyPodLabels(gateway.name) } }
          : { anyone: true }
        : undefined;
    const policies = declareNetworkPolicies(
      this,
      name,
      ns,
      namespacePolicySpecs(
        a.namespace,
        loggingPolicies({ elasticsearch: esName, kibana: kbName, collectorNamespace: a.collectorNamespace, kibanaClients }),
      ),
    );
    const collectorPolicySet = declareNetworkPolicies(
      this,
      `${name}-collector`,
      collectorNs,
      namespacePolicySpecs(a.collectorNamespace, collectorPolicies({ loggingNamespace: a.namespace, elasticsearch: esName })),
    );
    const crds = crdChart(`${name}-crds`, { chart: CHARTS.eckOperatorCrds, namespace: ns, source: a }, { parent: this, ...keep });
    const operator = helmRelease(
      `${name}-operator`,
      {
        releaseName: "eck-operator",
        namespace: ns,
        chart: CHARTS.eckOperator,
        values: eckOperatorValues({ namespace: a.namespace, imageMirror: a.imageMirror }),
        skipCrds: true,
        source: a,
      },
      { parent: this, dependsOn: [crds, ...policies] },
    );

    const writer = this.user(name, "writer", "fluent-bit", WRITER_ROLE, ns);
    const lifecycle = this.user(name, "lifecycle", "log-lifecycle", LIFECYCLE_ROLE, ns);
    // Fluent Bit's copy of its credentials, in its own namespace (a pod reads Secrets of its namespace only).
    const collectorCredentials = new k8s.core.v1.Secret(
      `${name}-collector-credentials`,
      {
        metadata: { name: writer.secretName, namespace: collectorNs },
        type: "kubernetes.io/basic-auth",
        stringData: { username: "fluent-bit", password: pulumi.secret(writer.password) },
      },
      { parent: this },
    );
    const roles = new k8s.core.v1.Secret(
      `${name}-roles`,
      { metadata: { name: "log-roles", namespace: ns }, stringData: { "roles.yml": logRolesYaml() } },
      { parent: this },
    );
    const ca = this.httpCa(name, ns, collectorNs, names);

    const elasticsearch = new k8s.apiextensions.CustomResource(
      `${name}-elasticsearch`,
      {
        apiVersion: "elasticsearch.k8s.elastic.co/v1",
        kind: "Elasticsearch",
        metadata: { name: esName, namespace: ns },
        spec: elasticsearchSpec({
          name: esName,
          version: a.elasticsearch.version,
          nodes: a.elasticsearch.nodes,
          storage: a.elasticsearch.storage,
          storageClass: a.elasticsearch.storageClass,
          resources: { cpu: a.elasticsearch.cpu, memory: a.elasticsearch.memory },
          zones: a.zones.length,
          retainVolumes: a.protectData,
          userSecrets: [writer.secretName, lifecycle.secretName],
          rolesSecret: "log-roles",
          httpCaSecret: names.esHttpCaSecret,
        }),
      },
      { parent: this, dependsOn: [operator, writer.secret, lifecycle.secret, roles, ca.secret], ...keep },
    );

    const esUrl = `https://${names.esService}.${a.namespace}.svc:9200`;
    const files = lifecycleFiles(a.retentionDays, a.elasticsearch.nodes);
    const lifecycleConfig = new k8s.core.v1.ConfigMap(
      `${name}-lifecycle-config`,
      { metadata: { name: "log-lifecycle", namespace: ns }, data: files },
      { parent: this },
    );
    const lifecycleJob = new k8s.batch.v1.Job(
      `${name}-lifecycle`,
      {
        metadata: { name: "log-lifecycle", namespace: ns },
        spec: lifecycleJobSpec({
          name: "log-lifecycle",
          namespace: a.namespace,
          esUrl,
          caSecret: names.esCaSecret,
          credentialsSecret: lifecycle.secretName,
          configMap: "log-lifecycle",
          configHash: contentHash(files),
          imageMirror: a.imageMirror,
        }),
      },
      {
        parent: this,
        dependsOn: [elasticsearch, lifecycleConfig],
        // A job's template cannot change: a new policy replaces the job, which then runs again.
        deleteBeforeReplace: true,
        // The first run waits for Elasticsearch to start and elect a master.
        customTimeouts: { create: "30m", update: "30m" },
      },
    );

    // After the lifecycle job, so that the first daily index is created under the policy.
    helmRelease(
      `${name}-fluent-bit`,
      {
        releaseName: "fluent-bit",
        namespace: collectorNs,
        chart: CHARTS.fluentBit,
        values: fluentBitValues({
          esHost: `${names.esService}.${a.namespace}.svc`,
          caConfigMap: names.collectorCaConfigMap,
          credentialsSecret: writer.secretName,
          resources: a.fluentBit,
          imageMirror: a.imageMirror,
        }),
        source: a,
      },
      {
        parent: this,
        dependsOn: [lifecycleJob, collectorCredentials, ca.configMap, ...collectorPolicySet],
        // The chart's ClusterRole is named after the release, so a release moved to another
        // namespace cannot exist beside the old one: the old goes first. The tail positions live
        // on the nodes (hostPath), so the new one carries on where the old one stopped.
        deleteBeforeReplace: true,
      },
    );

    const host = a.kibana.host;
    const publicUrl = host && gateway ? routedUrl(host, gateway.https) : undefined;
    const kibana = new k8s.apiextensions.CustomResource(
      `${name}-kibana`,
      {
        apiVersion: "kibana.k8s.elastic.co/v1",
        kind: "Kibana",
        metadata: { name: kbName, namespace: ns },
        spec: kibanaSpec({
          name: kbName,
          version: a.elasticsearch.version,
          replicas: a.kibana.replicas,
          elasticsearchName: esName,
          resources: a.kibana.resources,
          ...(publicUrl ? { publicUrl } : {}),
        }),
      },
      { parent: this, dependsOn: [operator, elasticsearch] },
    );
    if (a.kibana.replicas > 1) {
      // ECK makes a budget for Elasticsearch, none for Kibana: a drain could take every replica at once.
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-kibana-disruption-budget`,
        { metadata: { name: `${kbName}-kb`, namespace: ns }, spec: kibanaDisruptionBudgetSpec(kbName) },
        { parent: this, dependsOn: [kibana] },
      );
    }

    if (host && gateway) {
      const specs = adminRouteSpecs({
        name: "kibana",
        namespace: a.namespace,
        host,
        service: names.kbService,
        port: 5601,
        allowedSourceRanges: a.kibana.allowedSourceRanges,
        gateway,
      });
      declareRoute(this, `${name}-kibana`, specs, [kibana, ...gateway.ready]);
      this.kibanaUrl = pulumi.output(publicUrl!);
    }
    this.elasticsearchUrl = pulumi.output(esUrl);
    this.kibanaPortForward = pulumi.output(
      `kubectl -n ${a.namespace} port-forward service/${names.kbService} 5601:5601  # then ${publicUrl ? "http" : "https"}://localhost:5601, user elastic, password in secret ${esName}-es-elastic-user`,
    );
    this.registerOutputs({ elasticsearchUrl: this.elasticsearchUrl, kibanaUrl: this.kibanaUrl, kibanaPortForward: this.kibanaPortForward });
  }

  /** A file-realm user of Elasticsearch with a generated password, as a basic-auth Secret. */
  private user(name: string, role: string, username: string, esRole: string, ns: pulumi.Output<string>) {
    const password = new random.RandomPassword(`${name}-${role}-password`, { length: 32, special: false }, { parent: this });
    const secretName = `${username}-credentials`;
    const secret = new k8s.core.v1.Secret(
      `${name}-${role}-credentials`,
      {
        metadata: { name: secretName, namespace: ns },
        type: "kubernetes.io/basic-auth",
        stringData: { username, password: pulumi.secret(password.result), roles: esRole },
      },
      { parent: this },
    );
    return { secret, secretName, password: password.result };
  }

  /**
   * The CA of Elasticsearch's HTTP certificate, owned by the program: ECK issues and rotates the
   * certificate from it (a Secret with `ca.crt` and `ca.key`), and the CA's certificate is written
   * where Fluent Bit, in another namespace, can read it. Nothing in a cluster copies a Secret across
   * namespaces declaratively, and ECK's own CA exists only once Elasticsearch does.
   */
  private httpCa(name: string, ns: pulumi.Output<string>, collectorNs: pulumi.Output<string>, names: ReturnType<typeof eckNames>) {
    const key = new tls.PrivateKey(`${name}-http-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this });
    const cert = new tls.SelfSignedCert(
      `${name}-http-ca`,
      {
        privateKeyPem: key.privateKeyPem,
        isCaCertificate: true,
        subject: { commonName: "ack-platform logging HTTP CA", organization: "ack-platform" },
        validityPeriodHours: CA_YEARS * 365 * 24,
        // `pulumi up` in the CA's last year replaces it; ECK then reissues the certificate.
        earlyRenewalHours: 365 * 24,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"],
      },
      { parent: this },
    );
    const secret = new k8s.core.v1.Secret(
      `${name}-http-ca`,
      {
        metadata: { name: names.esHttpCaSecret, namespace: ns },
        stringData: { "ca.crt": cert.certPem, "ca.key": pulumi.secret(key.privateKeyPem) },
      },
      { parent: this },
    );
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-collector-ca`,
      { metadata: { name: names.collectorCaConfigMap, namespace: collectorNs }, data: { "ca.crt": cert.certPem } },
      { parent: this },
    );
    return { secret, configMap };
  }
}
