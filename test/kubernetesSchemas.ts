/**
 * Validates rendered Kubernetes objects against the API schemas (kubernetes-models), built-in kinds
 * and the custom resources the platform uses. An object of a kind with no known schema fails too:
 * every object the platform renders must be checked, not only the familiar ones.
 *
 * Kinds that no kubernetes-models package covers (ECK's Elasticsearch and Kibana, ACK's AlbConfig,
 * Gateway API v1.6's TCPRoute) are checked by the structural schemas at the end of this file, transcribed from their
 * upstream API types; the Kubernetes types they embed (pod templates, volume claims, PDB specs)
 * are checked by kubernetes-models as part of them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: unknown): { validate(): void };
}

/** The kubernetes-models packages whose schemas are known, first match wins. */
const PACKAGES = [
  "kubernetes-models",
  "@kubernetes-models/gateway-api",
  "@kubernetes-models/prometheus-operator",
  "@kubernetes-models/cert-manager",
  "@kubernetes-models/envoy-gateway",
];
const NODE_MODULES = path.resolve(__dirname, "../node_modules");

const MODELS = new Map<string, Promise<ModelClass | undefined>>();

/**
 * The model class of one apiVersion and kind, or undefined when no package has one. Each package
 * keeps a kind at <apiVersion>/<Kind>.js (`apps/v1/Deployment`, `v1/Service`,
 * `gateway.networking.k8s.io/v1/HTTPRoute`) and exports it on that path, so only the kinds asked
 * for are loaded: importing the packages whole costs seconds in every test process, for thousands
 * of kinds never asked for. The packages are ES modules that offer no require() entry, so they are
 * imported dynamically. A module found there counts only if it exports the model of that very
 * apiVersion and kind (v1/Affinity is a part of a pod spec, not an object).
 */
function modelOf(apiVersion: unknown, kind: unknown): Promise<ModelClass | undefined> {
  const key = `${apiVersion}/${kind}`;
  let found = MODELS.get(key);
  if (!found) {
    found = (async () => {
      if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
      if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion)) return undefined;
      for (const pkg of PACKAGES) {
        if (!fs.existsSync(path.join(NODE_MODULES, pkg, apiVersion, `${kind}.js`))) continue;
        const module = (await import(`${pkg}/${apiVersion}/${kind}`)) as Record<string, unknown>;
        const model = Object.values(module).find(
          (v): v is ModelClass =>
            typeof v === "function" && (v as Partial<ModelClass>).apiVersion === apiVersion && (v as Partial<ModelClass>).kind === kind,
        );
        if (model) return model;
      }
      return undefined;
    })();
    MODELS.set(key, found);
  }
  return found;
}

/** The problems with one object; empty when it is valid. */
export async function schemaErrors(object: Record<string, any>): Promise<string[]> {
  const key = `${object["apiVersion"]}/${object["kind"]}`;
  const custom = CUSTOM_SCHEMAS.get(key);
  if (custom) {
    const problems = custom.structure(object);
    const embedded = problems.length === 0 ? await Promise.all(custom.embedded(object).map(schemaErrors)) : [];
    return [
      ...problems.map((p) => `${key} ${object["metadata"]?.name}: ${p}`),
      ...embedded.flat().map((p) => `${key} ${object["metadata"]?.name} embeds ${p}`),
    ];
  }
  const Model = await modelOf(object["apiVersion"], object["kind"]);
  if (!Model) return [`no schema is known for ${key}; register its kubernetes-models package in test/kubernetesSchemas.ts`];
  try {
    new Model(object).validate();
    return [];
  } catch (err) {
    const e = err as Error & { errors?: Array<{ instancePath?: string; message?: string }> };
    if (Array.isArray(e.errors)) return e.errors.map((x) => `${key} ${object["metadata"]?.name}: ${x.instancePath || "/"} ${x.message}`);
    return [`${key} ${object["metadata"]?.name}: ${e.message}`];
  }
}

/** Throws with every problem of every object, naming each object. */
export async function assertValidObjects(objects: ReadonlyArray<Record<string, any>>): Promise<void> {
  const problems = (await Promise.all(objects.map(schemaErrors))).flat();
  if (problems.length > 0) throw new Error(`invalid Kubernetes objects:\n  ${problems.join("\n  ")}`);
}

// ---------------------------------------------------------------------------------------------
// Structural schemas of custom resources without a kubernetes-models package. Objects are strict:
// a misspelt field fails as the API server's structural pruning would silently drop it.

interface CustomSchema {
  /** Problems with the object's own structure. */
  structure(object: Record<string, any>): string[];
  /** The Kubernetes objects it embeds, wrapped as full objects to validate with kubernetes-models. */
  embedded(object: Record<string, any>): Array<Record<string, any>>;
}

const str = z.string();
const int = z.number().int();
const stringMap = z.record(z.string(), z.string());
const objectMeta = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});
const templateMeta = z
  .strictObject({ labels: stringMap, annotations: stringMap, name: str, namespace: str, finalizers: z.array(str) })
  .partial();
const secretRef = z.strictObject({ secretName: str });
const objectSelector = z.strictObject({ name: str, namespace: str, serviceName: str, secretName: str }).partial();
const secretSource = z.strictObject({ secretName: str, entries: z.array(z.strictObject({ key: str, path: str.optional() })).optional() });
const serviceTemplate = z.strictObject({ metadata: templateMeta, spec: z.record(z.string(), z.unknown()) }).partial();
const httpConfig = z
  .strictObject({
    service: serviceTemplate,
    tls: z
      .strictObject({
        selfSignedCertificate: z
          .strictObject({ subjectAltNames: z.array(z.strictObject({ dns: str, ip: str }).partial()), disabled: z.boolean() })
          .partial(),
        certificate: z.strictObject({ secretName: str }).partial(),
      })
      .partial(),
  })
  .partial();
const stackMonitoring = z
  .strictObject({
    metrics: z.strictObject({ elasticsearchRefs: z.array(objectSelector) }).partial(),
    logs: z.strictObject({ elasticsearchRefs: z.array(objectSelector) }).partial(),
  })
  .partial();

/** elasticsearch.k8s.elastic.co/v1 Elasticsearch (ECK 3.5, pkg/apis/elasticsearch/v1). */
const elasticsearch = z.strictObject({
  apiVersion: z.literal("elasticsearch.k8s.elastic.co/v1"),
  kind: z.literal("Elasticsearch"),
  metadata: objectMeta,
  spec: z.strictObject({
    version: str,
    image: str.optional(),
    http: httpConfig.optional(),
    transport: z
      .strictObject({ service: serviceTemplate, tls: z.record(z.string(), z.unknown()) })
      .partial()
      .optional(),
    nodeSets: z
      .array(
        z.strictObject({
          name: str.max(23).regex(/^[a-zA-Z0-9-]+$/),
          config: z.record(z.string(), z.unknown()).optional(),
          count: int.min(0),
          resources: z.record(z.string(), z.unknown()).optional(),
          // ECK 3.4+: zone spread, node.attr.zone and shard allocation awareness on the zone.
          zoneAwareness: z
            .strictObject({ topologyKey: str, zones: z.array(str).min(1) })
            .partial()
            .optional(),
          podTemplate: z.record(z.string(), z.unknown()).optional(),
          volumeClaimTemplates: z.array(z.record(z.string(), z.unknown())).optional(),
        }),
      )
      .min(1),
    updateStrategy: z
      .strictObject({ changeBudget: z.strictObject({ maxUnavailable: int, maxSurge: int }).partial() })
      .partial()
      .optional(),
    podDisruptionBudget: z
      .strictObject({ metadata: templateMeta, spec: z.record(z.string(), z.unknown()) })
      .partial()
      .optional(),
    auth: z
      .strictObject({ roles: z.array(secretRef), fileRealm: z.array(secretRef), disableElasticUser: z.boolean() })
      .partial()
      .optional(),
    secureSettings: z.array(secretSource).optional(),
    serviceAccountName: str.optional(),
    remoteClusters: z.array(z.strictObject({ name: str.min(1), elasticsearchRef: objectSelector.optional() })).optional(),
    volumeClaimDeletePolicy: z.enum(["DeleteOnScaledownOnly", "DeleteOnScaledownAndClusterDeletion"]).optional(),
    monitoring: stackMonitoring.optional(),
    revisionHistoryLimit: int.optional(),
  }),
});

/** kibana.k8s.elastic.co/v1 Kibana (ECK 3.x, pkg/apis/kibana/v1). */
const kibana = z.strictObject({
  apiVersion: z.literal("kibana.k8s.elastic.co/v1"),
  kind: z.literal("Kibana"),
  metadata: objectMeta,
  spec: z.strictObject({
    version: str,
    image: str.optional(),
    count: int.min(0).optional(),
    elasticsearchRef: objectSelector.optional(),
    enterpriseSearchRef: objectSelector.optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    http: httpConfig.optional(),
    podTemplate: z.record(z.string(), z.unknown()).optional(),
    revisionHistoryLimit: int.optional(),
    secureSettings: z.array(secretSource).optional(),
    serviceAccountName: str.optional(),
    monitoring: stackMonitoring.optional(),
  }),
});

/** alibabacloud.com/v1 AlbConfig (alibaba-load-balancer-controller, pkg/apis/alibabacloud/v1). */
const albConfig = z.strictObject({
  apiVersion: z.literal("alibabacloud.com/v1"),
  kind: z.literal("AlbConfig"),
  metadata: objectMeta,
  spec: z.strictObject({
    config: z
      .strictObject({
        id: str,
        name: str,
        addressAllocatedMode: z.enum(["Fixed", "Dynamic"]),
        addressType: z.enum(["Internet", "Intranet"]),
        ipv6AddressType: str,
        addressIpVersion: z.enum(["IPv4", "DualStack"]),
        resourceGroupId: str,
        edition: z.enum(["Basic", "Standard", "StandardWithWaf"]),
        zoneMappings: z
          .array(z.strictObject({ vSwitchId: str.regex(/^vsw-/), zoneId: str, allocationId: str, eipType: str }).partial())
          .min(2),
        accessLogConfig: z.strictObject({ logStore: str, logProject: str }).partial(),
        deletionProtectionEnabled: z.boolean(),
        billingConfig: z.strictObject({ internetBandwidth: int, internetChargeType: str, payType: str, bandWidthPackageId: str }).partial(),
        forceOverride: z.boolean(),
        listenerForceOverride: z.boolean(),
        tags: z.array(z.strictObject({ key: str, value: str })),
      })
      .partial(),
    listeners: z
      .array(
        z
          .strictObject({
            port: z.union([int.min(1).max(65535), str]),
            protocol: z.enum(["HTTP", "HTTPS", "QUIC"]),
            gzipEnabled: z.boolean(),
            http2Enabled: z.boolean(),
            description: str,
            idleTimeout: int,
            requestTimeout: int,
            securityPolicyId: str,
            caEnabled: z.boolean(),
            certificates: z.array(z.strictObject({ CertificateId: str, IsDefault: z.boolean() }).partial()),
            aclConfig: z
              .strictObject({ aclName: str, aclType: z.enum(["White", "Black"]), aclEntries: z.array(str), aclIds: z.array(str) })
              .partial(),
          })
          .partial()
          .required({ port: true, protocol: true }),
      )
      .min(1),
  }),
});

const zodProblems = (schema: z.ZodType) => (object: Record<string, any>) => {
  const result = schema.safeParse(object);
  return result.success ? [] : result.error.issues.map((i) => `/${i.path.join("/")} ${i.message}`);
};

/** A pod template embedded in a custom resource, as a full PodTemplate object. */
const podTemplate = (template: unknown) => ({ apiVersion: "v1", kind: "PodTemplate", metadata: { name: "embedded" }, template });

const CUSTOM_SCHEMAS = new Map<string, CustomSchema>([
  [
    "elasticsearch.k8s.elastic.co/v1/Elasticsearch",
    {
      structure: zodProblems(elasticsearch),
      embedded: (o) => [
        ...(o["spec"].nodeSets as Array<Record<string, any>>).flatMap((set) => [
          ...(set["podTemplate"] ? [podTemplate(set["podTemplate"])] : []),
          ...((set["volumeClaimTemplates"] ?? []) as Array<Record<string, any>>).map((claim) => ({
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            ...claim,
          })),
        ]),
        ...(o["spec"].podDisruptionBudget?.spec
          ? [
              {
                apiVersion: "policy/v1",
                kind: "PodDisruptionBudget",
                metadata: { name: "embedded" },
                spec: o["spec"].podDisruptionBudget.spec,
              },
            ]
          : []),
      ],
    },
  ],
  [
    "kibana.k8s.elastic.co/v1/Kibana",
    { structure: zodProblems(kibana), embedded: (o) => (o["spec"].podTemplate ? [podTemplate(o["spec"].podTemplate)] : []) },
  ],
  ["alibabacloud.com/v1/AlbConfig", { structure: zodProblems(albConfig), embedded: () => [] }],
  [
    // Gateway API v1.6 (Envoy Gateway v1.9's) promoted TCPRoute to v1 in the standard channel with
    // the v1alpha2 fields unchanged (GEP-2644: the existing resource's minimal surface); the models
    // package stops at Gateway API v1.5, so the v1 object is checked against the v1alpha2 schema.
    "gateway.networking.k8s.io/v1/TCPRoute",
    { structure: () => [], embedded: (o) => [{ ...o, apiVersion: "gateway.networking.k8s.io/v1alpha2" }] },
  ],
]);
