/**
 * What the config reference (docs/configuration.md) must say, derived from the zod schema itself:
 * every key an environment accepts, and what each kind of environment gets when a key is left out.
 */
import type { z } from "zod";
import { PRIVATE_RANGES } from "../../components/platform/adminRoute";
import { ENVIRONMENT_KINDS, type EnvironmentKind, environmentShape as buildShape } from "../../stacks/config";

export const KINDS = ENVIRONMENT_KINDS;

type Schema = z.ZodType & { _zod: { def: Record<string, any> } };

/**
 * Each kind's schema, built once: building it (and zod's first parse of it) costs far more than the
 * hundreds of parses that read the defaults. The schema is a pure function of the kind.
 */
const shapes = new Map<EnvironmentKind, ReturnType<typeof buildShape>>();
function environmentShape(kind: EnvironmentKind): ReturnType<typeof buildShape> {
  let shape = shapes.get(kind);
  if (!shape) shapes.set(kind, (shape = buildShape(kind)));
  return shape;
}

/** Answers of a pure function of (kind, key), kept: every table row asks for each kind's default. */
function memo<T>(fn: (kind: EnvironmentKind, key: string) => T): (kind: EnvironmentKind, key: string) => T {
  const known = new Map<string, T>();
  return (kind, key) => {
    const id = `${kind}\0${key}`;
    if (!known.has(id)) known.set(id, fn(kind, key));
    return known.get(id)!;
  };
}

/** Wrappers that only add a default or make a key optional. */
const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly"]);

function unwrap(schema: Schema): Schema {
  let s = schema;
  while (WRAPPERS.has(s._zod.def["type"])) s = s._zod.def["innerType"];
  return s;
}

/**
 * Every key of one kind's schema, as a path: `gateway.proxy.cpu`; entries of a list of mappings are
 * `services[].route.host`. A list of plain values is one key (`zones`). `registry` is one key here:
 * its keys depend on its mode (see registryModes).
 */
export function configKeys(kind: EnvironmentKind): string[] {
  const out: string[] = [];
  const walk = (schema: Schema, path: string) => {
    const s = unwrap(schema);
    const def = s._zod.def;
    if (def["type"] === "object") {
      for (const [key, child] of Object.entries(def["shape"] as Record<string, Schema>)) walk(child, path ? `${path}.${key}` : key);
    } else if (def["type"] === "array" && unwrap(def["element"])._zod.def["type"] === "object") {
      walk(def["element"], `${path}[]`);
    } else {
      out.push(path);
    }
  };
  for (const [key, schema] of Object.entries(environmentShape(kind))) {
    // A key a kind refuses (`network` on local) is a transform that accepts only nothing.
    if (isUnused(kind, key)) continue;
    walk(schema as Schema, key);
  }
  return out;
}

/**
 * The smallest values that let every section parse with all its optional parts present, so that the
 * default of a key deep inside one (`services[].canary.weight`) can be read. Only keys without a
 * default are given; everything else comes from the schema.
 */
function fullInput(kind: EnvironmentKind): Record<string, unknown> {
  return {
    kind,
    region: "cn-hangzhou",
    zones: ["cn-hangzhou-h"],
    network: {
      legacyNetworks: [{ name: "vms", cidrs: ["192.168.10.0/24"], nextHop: { type: "VpnGateway", id: "vpn-a1" } }],
      existing: { vpcId: "vpc-a1", vswitches: { "cn-hangzhou-h": "vsw-a1" } },
    },
    cluster:
      kind === "local"
        ? {}
        : { nodePools: [{ name: "general", instanceTypes: ["ecs.g7.xlarge"], min: 1, max: 2, taints: [{ key: "dedicated" }] }] },
    gateway: { alb: { vswitchIds: ["vsw-a1", "vsw-b2"] } },
    logging: {},
    monitoring: { alertmanager: { receivers: [{ name: "team", type: "webhook" }] } },
    workloads: { volumes: [{ name: "shared", server: "0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com" }] },
    services: [
      {
        name: "orders",
        version: "1.0.0",
        resources: { cpu: "100m", memory: "256Mi" },
        build: { context: "services/hello" },
        autoscaling: { night: { min: 1, from: "22:00", to: "06:00" } },
        route: { host: "api.example.com" },
        canary: { version: "1.1.0", header: { name: "x-canary", value: "testers" } },
        legacy: { endpoints: ["10.0.0.1:8080"], weight: 0, healthCheck: {}, header: { name: "x-canary", value: "testers" } },
        egress: [{ host: "db.example.com", ports: [5432] }],
        ports: [{ name: "http", port: 8080, expose: { via: "gateway" } }],
        health: { readiness: { type: "http" }, liveness: { type: "http" }, startup: { type: "http" } },
        disks: [{ name: "data", size: "20Gi", mountPath: "/data" }],
        mounts: [{ volume: "shared", mountPath: "/shared" }],
      },
    ],
    jobs: [
      {
        name: "migrate",
        version: "1.0.0",
        resources: { cpu: "100m", memory: "256Mi" },
        mounts: [{ volume: "shared", mountPath: "/shared" }],
        egress: [{ host: "db.example.com", ports: [5432] }],
      },
    ],
    policy: { disabled: [{ rule: "no-host-port", reason: "a reason" }] },
  };
}

type Segment = string | 0;

/** `services[].route.host` as the segments of its first occurrence: services, 0, route, host. */
function segments(key: string): Segment[] {
  return key.split(".").flatMap((part) => (part.endsWith("[]") ? [part.slice(0, -2), 0 as const] : [part]));
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function getAt(value: unknown, path: readonly Segment[]): unknown {
  let v: any = value;
  for (const s of path) {
    if (v === undefined || v === null) return undefined;
    v = v[s];
  }
  return v;
}

/** Sets a value, creating the mappings and one-entry lists on the way. */
function setAt(root: Record<string, unknown>, path: readonly Segment[], value: unknown): void {
  let v: any = root;
  path.forEach((s, i) => {
    if (i === path.length - 1) {
      v[s] = value;
      return;
    }
    if (v[s] === undefined || v[s] === null || typeof v[s] !== "object") v[s] = path[i + 1] === 0 ? [{}] : {};
    if (Array.isArray(v[s]) && v[s].length === 0) v[s].push({});
    v = v[s];
  });
}

function deleteAt(root: Record<string, unknown>, path: readonly Segment[]): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown> | undefined;
  if (parent && typeof parent === "object") delete parent[path[path.length - 1]!];
}

function parse(kind: EnvironmentKind, input: Record<string, unknown>, top: string) {
  const schema = (environmentShape(kind) as Record<string, z.ZodType>)[top]!;
  return schema.safeParse(input[top], { reportInput: true });
}

const isUnused = memo(function isUnused(kind: EnvironmentKind, key: string): boolean {
  const path = segments(key);
  const top = String(path[0]);
  if (!(top in environmentShape(kind))) return true;
  const input = clone(fullInput(kind));
  setAt(input, path, "x");
  const result = parse(kind, input, top);
  return !result.success && result.error.issues.some((i) => /^is not used|^accepted keys here/.test(i.message));
});

/** How a default reads in the reference. */
export function render(value: unknown): string {
  if (value === undefined) return "unset";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.length === PRIVATE_RANGES.length && value.every((v, i) => v === PRIVATE_RANGES[i])) return "private ranges";
    if (value.every((v) => typeof v === "object" && v !== null && "instanceTypes" in v)) {
      return value
        .map(
          (p: { name: string; instanceTypes: string[]; min: number; max: number }) =>
            `${p.name}: ${p.instanceTypes.join(", ")}, ${p.min}-${p.max}`,
        )
        .join("; ");
    }
    return value.map(render).join(", ");
  }
  if (typeof value === "object" && value !== null) return Object.keys(value).length === 0 ? "{}" : JSON.stringify(value);
  return String(value);
}

/**
 * What a kind of environment gets for a key left out: "required", "unset" (optional, no default),
 * "not used" (this kind refuses the key), or the default as `render` writes it.
 */
export const defaultOf = memo(function defaultOf(kind: EnvironmentKind, key: string): string {
  if (isUnused(kind, key)) return "not used";
  const path = segments(key);
  const top = String(path[0]);
  const input = clone(fullInput(kind));
  if (path.length === 1) delete input[top];
  else deleteAt(input, path);
  const result = parse(kind, input, top);
  if (!result.success) {
    const here = result.error.issues.find(
      (i) => JSON.stringify([top, ...i.path]) === JSON.stringify(path) && i.message.startsWith("is required"),
    );
    if (here) return "required";
    throw new Error(
      `${kind}: cannot read the default of ${key}: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return render(getAt(result.data, path.slice(1)));
});

/**
 * The registry's modes in one kind of environment, each with the keys it accepts (besides `mode`):
 * read from the schema's own answers to a mode it does not know and to a key it does not know.
 */
export function registryModes(kind: EnvironmentKind): { defaultMode: string; modes: Record<string, string[]> } {
  const registry = (environmentShape(kind) as Record<string, z.ZodType>)["registry"]!;
  const unknownMode = registry.safeParse({ mode: "?" });
  const listed = /is not one of: ([^(]+)/.exec(unknownMode.error?.issues[0]?.message ?? "");
  if (!listed) throw new Error(`the registry schema of ${kind} did not list its modes`);
  const modes: Record<string, string[]> = {};
  for (const mode of listed[1]!.trim().split(/,\s*/)) {
    const result = registry.safeParse({ mode, "?": true });
    const keys = result.error?.issues.map((i) => /^accepted keys here: (.*)$/.exec(i.message)?.[1]).find(Boolean);
    if (!keys) throw new Error(`the registry schema of ${kind} did not list the keys of mode ${mode}`);
    modes[mode] = keys.split(/,\s*/).filter((k) => k !== "mode");
  }
  const withoutMode = registry.safeParse({});
  const defaultMode = withoutMode.success
    ? String((withoutMode.data as { mode: string }).mode)
    : Object.keys(modes).find((m) => {
        // The mode applied when none is given is the one whose required keys are reported missing.
        const keys = withoutMode.error.issues.filter((i) => i.message.startsWith("is required")).map((i) => String(i.path[0]));
        return keys.length > 0 && keys.every((k) => modes[m]!.includes(k));
      });
  if (!defaultMode) throw new Error(`the registry schema of ${kind} has no recognisable default mode`);
  return { defaultMode, modes };
}

/** The default of one key of a registry mode, given the mode's required keys. */
export function registryDefault(kind: EnvironmentKind, mode: string, key: string): string {
  const registry = (environmentShape(kind) as Record<string, z.ZodType>)["registry"]!;
  const required: Record<string, unknown> = { mode };
  // Fill required keys until the mode parses; what is still missing names itself "is required".
  for (let attempt = 0; attempt < 10; attempt++) {
    const result = registry.safeParse(required);
    if (result.success) return render((result.data as Record<string, unknown>)[key]);
    const missing = result.error.issues.filter((i) => i.message.startsWith("is required")).map((i) => String(i.path[0]));
    if (missing.includes(key)) return "required";
    if (missing.length === 0) throw new Error(`registry mode ${mode}: ${result.error.issues.map((i) => i.message).join("; ")}`);
    for (const k of missing) required[k] = SAMPLE_REGISTRY_VALUES[k] ?? "x";
  }
  throw new Error(`registry mode ${mode} never parsed`);
}

const SAMPLE_REGISTRY_VALUES: Record<string, string> = {
  endpoint: "registry.example.com",
  namespace: "acme",
  instanceName: "acme-registry",
};
