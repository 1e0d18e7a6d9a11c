/**
 * Validates rendered Kubernetes objects against the API schemas (kubernetes-models), built-in kinds
 * and the custom resources the platform uses. An object of a kind with no known schema fails too:
 * every object the platform renders must be checked, not only the familiar ones.
 */

interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: unknown): { validate(): void };
}

const MODELS = new Map<string, ModelClass>();

/** Adds every model class found in a kubernetes-models package namespace. */
export function registerModels(namespace: unknown, seen = new Set<unknown>()): void {
  if (namespace === null || (typeof namespace !== "object" && typeof namespace !== "function") || seen.has(namespace)) return;
  seen.add(namespace);
  const candidate = namespace as Partial<ModelClass>;
  if (typeof namespace === "function" && typeof candidate.apiVersion === "string" && typeof candidate.kind === "string") {
    MODELS.set(`${candidate.apiVersion}/${candidate.kind}`, namespace as ModelClass);
    return;
  }
  if (typeof namespace === "object") for (const value of Object.values(namespace)) registerModels(value, seen);
}

// The model packages are ES modules that offer no require() entry, so they are imported dynamically.
let loaded: Promise<void> | undefined;
function loadModels(): Promise<void> {
  loaded ??= Promise.all([
    import("kubernetes-models"),
    import("@kubernetes-models/gateway-api"),
    import("@kubernetes-models/prometheus-operator"),
    import("@kubernetes-models/cert-manager"),
    import("@kubernetes-models/envoy-gateway"),
  ]).then((packages) => packages.forEach((p) => registerModels(p)));
  return loaded;
}

/** The problems with one object; empty when it is valid. */
export async function schemaErrors(object: Record<string, any>): Promise<string[]> {
  await loadModels();
  const key = `${object["apiVersion"]}/${object["kind"]}`;
  const Model = MODELS.get(key);
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
