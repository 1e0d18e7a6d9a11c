/**
 * Data rules: volumes that survive a destroy, databases that never share a writable volume, and an
 * Elasticsearch cluster that survives the loss of a node.
 */
import type { PolicyResource } from "@pulumi/policy";
import { containersOf, labelsOf, objectRef, parseImage, ROLE_LABEL } from "../lib/kubernetes";
import { asArray, asObject, configSchema, forTypes, prodOnly, type ResourceRule, type StackRule } from "../lib/policy";
import { autoscalersOf, maxPodsOf, type Workload, workloadsOf } from "../lib/stack";

const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const PV = "kubernetes:core/v1:PersistentVolume";
const STATEFULSET = "kubernetes:apps/*:StatefulSet";
const ELASTICSEARCH = "kubernetes:elasticsearch.k8s.elastic.co/*:Elasticsearch";
const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const PROTECTED_TYPES = [PVC, PV, STATEFULSET, ELASTICSEARCH];

const PROTECT = "declare it with the resource option { protect: true }, so a destroy or a replacement cannot delete it";

export const statefulVolumesProtected: ResourceRule = {
  name: "stateful-volumes-protected",
  description: "Production data deleted by a mistaken destroy, a rename or a replacement does not come back.",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: PROTECTED_TYPES,
  validateResource: forTypes(PROTECTED_TYPES, (props, args, report) => {
    prodOnly(args);
    const spec = asObject(props["spec"]) ?? {};
    if (args.type === PVC) {
      if (!args.opts.protect) report(`the claim holds data but is not protected in prod; ${PROTECT}`);
    } else if (args.type === PV) {
      if (spec["persistentVolumeReclaimPolicy"] === "Delete")
        report("its reclaim policy is Delete, so releasing the claim deletes the disk; set spec.persistentVolumeReclaimPolicy: Retain");
      if (!args.opts.protect) report(`the volume holds data but is not protected in prod; ${PROTECT}`);
    } else if (args.type.endsWith(":Elasticsearch")) {
      if (!args.opts.protect) report(`the Elasticsearch cluster holds the logs but is not protected in prod; ${PROTECT}`);
      const policy = spec["volumeClaimDeletePolicy"];
      if (policy !== "DeleteOnScaledownOnly") {
        report(
          `spec.volumeClaimDeletePolicy is ${policy === undefined ? "not set (ECK then deletes the volumes with the cluster)" : `'${policy}'`}; set it to DeleteOnScaledownOnly`,
        );
      }
    } else {
      if (asArray(spec["volumeClaimTemplates"]).length === 0) return;
      if (!args.opts.protect) report(`the StatefulSet keeps data in volume claim templates but is not protected in prod; ${PROTECT}`);
      if (asObject(spec["persistentVolumeClaimRetentionPolicy"])?.["whenDeleted"] === "Delete") {
        report(
          "spec.persistentVolumeClaimRetentionPolicy.whenDeleted is Delete, so deleting the StatefulSet deletes its data; set it to Retain",
        );
      }
    }
  }),
};

/** Images of databases and of other stores that must have one writer per volume. */
const DATABASE_IMAGE =
  /^(mysql|mariadb|percona|postgres|postgresql|postgis|mongo|mongodb|redis|valkey|elasticsearch|opensearch|etcd|kafka|zookeeper|clickhouse|cassandra|scylla|rabbitmq|nacos|tidb|minio|neo4j|influxdb|memcached|couchdb|cockroach)(-server)?$/;

/** Why a workload counts as a database (its role label, or a database image), or undefined. */
function databaseEvidence(w: Workload): string | undefined {
  const labels = { ...w.podLabels, ...labelsOf(asObject(w.resource.props["metadata"])) };
  if (labels[ROLE_LABEL] === "database") return `label ${ROLE_LABEL}: database`;
  for (const c of containersOf(w.podSpec)) {
    const image = c.spec["image"];
    if (typeof image !== "string") continue;
    const repository = parseImage(image).repository;
    if (DATABASE_IMAGE.test(repository.slice(repository.lastIndexOf("/") + 1))) return `image '${image}'`;
  }
  return undefined;
}

function accessModesOf(claimSpec: unknown): string[] {
  return asArray(asObject(claimSpec)?.["accessModes"]).map(String);
}

interface Claim {
  readonly namespace: string;
  readonly name: string;
  readonly accessModes: string[];
}

function claimsOf(resources: readonly PolicyResource[]): Claim[] {
  return resources
    .filter((r) => r.type === PVC)
    .map((r) => ({ ...objectRef(r.props, r.name), accessModes: accessModesOf(r.props["spec"]) }));
}

/** The claims a workload's pods mount. */
function mountedClaims(w: Workload): Array<{ claimName: string; readOnly: boolean }> {
  return asArray(w.podSpec["volumes"])
    .map((v) => asObject(v?.["persistentVolumeClaim"]))
    .filter((c): c is Record<string, any> => c !== undefined && typeof c["claimName"] === "string")
    .map((c) => ({ claimName: c["claimName"], readOnly: c["readOnly"] === true }));
}

export const databaseClaimNotRwx: StackRule = {
  name: "database-claim-not-rwx",
  description: "Two database pods writing the same volume corrupt it (split brain); a database's claim must be ReadWriteOnce.",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:apps/*:StatefulSet", "kubernetes:apps/*:Deployment", PVC],
  validateStack: (args, report) => {
    const claims = claimsOf(args.resources);
    const workloads = workloadsOf(args.resources).filter((w) => w.kind === "StatefulSet" || w.kind === "Deployment");
    for (const w of workloads) {
      const evidence = databaseEvidence(w);
      if (!evidence) continue;
      const fix = "use ReadWriteOnce (or ReadWriteOncePod), so no two pods ever write the same files";
      for (const template of asArray(asObject(w.resource.props["spec"])?.["volumeClaimTemplates"])) {
        if (accessModesOf(template?.["spec"]).includes("ReadWriteMany")) {
          const name = asObject(template?.["metadata"])?.["name"] ?? "(unnamed)";
          report(
            `${w.label} runs a database (${evidence}) on volume claim template '${name}', which is ReadWriteMany; ${fix}`,
            w.resource.urn,
          );
        }
      }
      for (const mount of mountedClaims(w)) {
        const claim = claims.find((c) => c.namespace === w.namespace && c.name === mount.claimName);
        if (claim?.accessModes.includes("ReadWriteMany")) {
          report(`${w.label} runs a database (${evidence}) on claim '${mount.claimName}', which is ReadWriteMany; ${fix}`, w.resource.urn);
        }
      }
    }
  },
};

export const claimNotShared: StackRule = {
  name: "claim-not-shared",
  description:
    "A ReadWriteOnce volume mounted by several pods either fails to attach on the second node or is written by two processes at once.",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:apps/*:*", PVC],
  validateStack: (args, report) => {
    const claims = claimsOf(args.resources);
    const autoscalers = autoscalersOf(args.resources);
    const writers = new Map<string, Workload[]>();
    for (const w of workloadsOf(args.resources)) {
      for (const mount of mountedClaims(w).filter((m) => !m.readOnly)) {
        const claim = claims.find((c) => c.namespace === w.namespace && c.name === mount.claimName);
        // ReadWriteMany and ReadOnlyMany claims are made to be shared (databases on them are database-claim-not-rwx's).
        if (claim && (claim.accessModes.includes("ReadWriteMany") || claim.accessModes.includes("ReadOnlyMany"))) continue;
        const modes = claim ? claim.accessModes.join(", ") || "ReadWriteOnce" : "not declared in this stack";
        const pods =
          w.kind === "DaemonSet" ? Number.POSITIVE_INFINITY : w.kind === "StatefulSet" ? (w.replicas ?? 1) : maxPodsOf(w, autoscalers);
        if (pods > 1) {
          const count = Number.isFinite(pods) ? `up to ${pods} pods` : "a pod on every node";
          report(
            `${w.label} runs ${count}, all mounting claim '${mount.claimName}' (${modes}); give each replica its own volume (a StatefulSet volumeClaimTemplate), or run a single replica`,
            w.resource.urn,
          );
        }
        const key = `${w.namespace}/${mount.claimName}`;
        writers.set(key, [...(writers.get(key) ?? []), w]);
      }
    }
    for (const [key, users] of writers) {
      if (users.length > 1) {
        report(
          `claim '${key}' is mounted for writing by ${users.map((w) => w.label).join(" and ")}; give each workload its own claim`,
          users[1]!.resource.urn,
        );
      }
    }
  },
};

const ES_TYPES = [ELASTICSEARCH, HELM_RELEASE];

export const elasticsearchNodesInProd: ResourceRule = {
  name: "elasticsearch-nodes-in-prod",
  description: "An Elasticsearch cluster of fewer than 3 nodes loses its master quorum, or the only copy of its shards, with one node.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ES_TYPES,
  validateResource: forTypes(ES_TYPES, (props, args, report) => {
    let nodes: number;
    let where: string;
    if (args.type === HELM_RELEASE) {
      // The elastic/elasticsearch chart; its replicas default to 3.
      if (!/(^|\/)elasticsearch$/.test(String(props["chart"]))) return;
      prodOnly(args);
      const replicas = asObject(props["values"])?.["replicas"];
      nodes = typeof replicas === "number" ? replicas : 3;
      where = "values.replicas";
    } else {
      prodOnly(args);
      nodes = asArray(asObject(props["spec"])?.["nodeSets"]).reduce(
        (n, set) => n + (typeof set?.["count"] === "number" ? set["count"] : 0),
        0,
      );
      where = "the counts of spec.nodeSets";
    }
    if (nodes < 3) {
      report(
        `the Elasticsearch cluster has ${nodes} node${nodes === 1 ? "" : "s"} in prod (${where}); run at least 3, so losing one keeps a master quorum and a copy of every shard`,
      );
    }
  }),
};

export const DATA_RULES = [statefulVolumesProtected, databaseClaimNotRwx, claimNotShared, elasticsearchNodesInProd] as const;
