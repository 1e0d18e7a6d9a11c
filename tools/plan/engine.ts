/**
 * Runs a Pulumi program under the mock runtime and records what it declares, as the engine would
 * receive it: each resource's type, name, parent, provider, dependencies, protect and retainOnDelete
 * flags, and its inputs with secrets kept secret; and what the emulated provider answered (the id and
 * the state a real engine would store after `pulumi up`).
 *
 * The recording is taken at the resource monitor, the same boundary the real engine sits behind, so
 * it sees implicit dependencies (from Outputs) as well as explicit `dependsOn`, and every option.
 */
import * as pulumi from "@pulumi/pulumi";
import { createMocks, EMULATORS, type EmulatorContext, type ProviderEmulator } from "./mocks";

/** One declared resource, as the plan reports it. */
export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly provider?: string;
  readonly dependsOn: string[];
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** False for component resources (they group others and have no cloud counterpart). */
  readonly custom: boolean;
  /** True for resources read rather than managed (StackReference, `.get`). */
  readonly read: boolean;
  /** Inputs as sent to the provider; secrets appear as "[secret]", unknowns as "[unknown]". */
  readonly inputs: Record<string, unknown>;
  /** The id the emulated provider gave a custom resource (absent for components). */
  readonly id?: string;
  /** The state (outputs) the emulated provider returned for a custom resource, masked like the inputs. */
  readonly state?: Record<string, unknown>;
  /** The options that decide how the engine compares this resource with its previous state, when set. */
  readonly diffOptions?: DiffOptions;
}

/** Resource options that change how `pulumi up` compares a resource with its previous state. */
export interface DiffOptions {
  /** Engine URNs this resource was known by before (its `aliases`, and those inherited from its parent's). */
  readonly aliases?: readonly string[];
  /** Property paths whose changes are ignored (`ignoreChanges`). */
  readonly ignoreChanges?: readonly string[];
  /** Property paths whose changes replace the resource (`replaceOnChanges`). */
  readonly replaceOnChanges?: readonly string[];
}

export interface ProgramRun {
  readonly project: string;
  readonly stack: string;
  readonly resources: PlannedResource[];
  /** Stack outputs; secrets appear as "[secret]". */
  readonly outputs: Record<string, unknown>;
  /** What the emulators assumed about the world outside the program (e.g. images people push), once each. */
  readonly assumptions: readonly string[];
}

export interface RunOptions {
  readonly project: string;
  readonly stack: string;
  /** Config as the CLI passes it: "<namespace>:<key>" to a string (structured values as JSON). */
  readonly config?: Readonly<Record<string, string>>;
  /** Full keys ("<namespace>:<key>") whose values are secrets. */
  readonly secretKeys?: readonly string[];
  /** Answers StackReferences. */
  readonly stackOutputs?: EmulatorContext["stackOutputs"];
  /** What people have put into registries outside the program; unset, it is assumed done as asked. */
  readonly registryContents?: EmulatorContext["registryContents"];
  readonly emulators?: readonly ProviderEmulator[];
  /**
   * Run the slow way the plan's shortcuts are checked against: every registration through the SDK's
   * own mock monitor (a protobuf round trip each), with the SDK's diagnostics on. A plan must come
   * out the same byte for byte either way.
   */
  readonly reference?: boolean;
}

// Signatures of the wire format (see @pulumi/pulumi/runtime/rpc).
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Converts a serialized property value to plain JSON: secrets masked, resources as their URNs. */
function plain(value: unknown, urnOf: (mockUrn: string) => string): unknown {
  if (value === UNKNOWN) return "[unknown]";
  if (Array.isArray(value)) return value.map((v) => plain(v, urnOf));
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  switch (obj[SIG]) {
    case SECRET_SIG:
      return "[secret]";
    case RESOURCE_SIG:
      return urnOf(String(obj["urn"]));
    case OUTPUT_SIG:
      if (obj["secret"]) return "[secret]";
      return "value" in obj ? plain(obj["value"], urnOf) : "[unknown]";
    case ASSET_SIG:
    case ARCHIVE_SIG:
      return { asset: obj["path"] ?? obj["uri"] ?? (obj["text"] !== undefined ? "[text]" : "[archive]") };
    default: {
      const out: Record<string, unknown> = {};
      for (const k in obj) out[k] = plain(obj[k], urnOf);
      return out;
    }
  }
}

/** Structural equality of two serialized property values. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (!(k in y) || !sameValue(x[k], y[k])) return false;
    n++;
  }
  for (const _ in y) n--;
  return n === 0;
}

/**
 * The plain form of a state, sharing with the plain inputs every field the provider returned as it
 * was given (most of them): less to convert and to keep in memory.
 */
function plainState(
  state: unknown,
  rawInputs: unknown,
  inputs: Record<string, unknown>,
  urnOf: (mockUrn: string) => string,
  secretOutputs: readonly string[] | undefined,
): Record<string, unknown> {
  const raw = (state ?? {}) as Record<string, unknown>;
  const given = (rawInputs ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in raw) out[k] = k in given && sameValue(raw[k], given[k]) ? inputs[k] : plain(raw[k], urnOf);
  // The engine keeps these outputs secret whatever the provider says (a password, a private key).
  for (const k of secretOutputs ?? []) if (k in out) out[k] = "[secret]";
  return out;
}

interface RawRecord {
  mockUrn: string;
  type: string;
  name: string;
  mockParent: string;
  providerRef: string;
  deps: string[];
  protect: boolean;
  retainOnDelete: boolean;
  custom: boolean;
  read: boolean;
  object: unknown;
  aliases?: AliasRecord[];
  ignoreChanges?: string[];
  replaceOnChanges?: string[];
  /** Outputs the engine stores as secrets (`additionalSecretOutputs`, which the SDKs set for passwords and keys). */
  secretOutputs?: string[];
}

/** An alias as the SDK sends it: a URN, or a spec whose blanks mean "as the resource itself". */
type AliasRecord =
  | { readonly urn: string }
  | {
      readonly name: string;
      readonly type: string;
      readonly stack: string;
      readonly project: string;
      readonly parent?: string;
      readonly noParent: boolean;
    };

/** The URN the Pulumi engine gives a resource: its type qualified by its ancestors' types, minus the root stack. */
export function engineUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
  let qualified = type;
  if (parentUrn) {
    const parentQualified = parentUrn.split("::")[2]!;
    if (parentQualified !== "pulumi:pulumi:Stack") qualified = `${parentQualified}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

type Callback = (err: Error | null, res?: unknown) => void;
/** The parts of the SDK's mock monitor (@pulumi/pulumi/runtime/mocks) the engine answers through. */
interface MockMonitorLike {
  readonly mocks: pulumi.runtime.Mocks;
  readonly resources: Map<string, { urn: string; id: string | null; state: unknown }>;
  readonly transformCallbacks: Map<string, unknown>;
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: any, cb: Callback): unknown;
  readResource(req: any, cb: Callback): unknown;
  registerResourceOutputs(req: any, cb: Callback): unknown;
}

/**
 * A registration's answer in the shape the SDK reads (its own test mode answers with such an
 * object): the state goes back as it is, where the mock monitor would copy it into a protobuf
 * Struct for the SDK to copy it out again. The SDK deserializes it into fresh objects.
 */
function answer(urn: string, id: string, state: Record<string, unknown>) {
  const object = { toJavaScript: () => state };
  return {
    getUrn: () => urn,
    getId: () => id,
    getObject: () => object,
    getProperties: () => object,
    getPropertydependenciesMap: () => undefined,
    getResult: () => 0,
    getUnknown: () => false,
  };
}

/** The SDK's deserialization of a registration's properties, as the mock monitor does it (undefined values dropped). */
function deserialized(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(object)) if (object[k] !== undefined) out[k] = pulumi.runtime.deserializeProperty(object[k]);
  return out;
}

/**
 * The SDK packs every request's properties into a protobuf Struct (`Struct.fromJavaScript`), and the
 * monitor unpacks them again (`toJavaScript`): with no process on the other end, a copy of each
 * resource's properties twice over, a twentieth of a large plan's time. During a run the plan's own
 * registrations stand in for the mock monitor's, so the SDK's Structs are made lazy: a Struct holds a
 * copy of the value in the form `toJavaScript` gives (keys sorted at every level, as protobuf's maps
 * iterate them; the same values refused), and builds its protobuf fields only if something asks for
 * them (`getFieldsMap`, `serializeBinary`).
 */
const structProto = require("google-protobuf/google/protobuf/struct_pb") as {
  Struct: { new (): any; fromJavaScript(value: Record<string, unknown>): any };
};
const protobufStruct = structProto.Struct.fromJavaScript;

/** What `Struct.fromJavaScript(value).toJavaScript()` returns, without the protobuf in between. */
export function structCopy(value: Record<string, unknown>): Record<string, unknown> {
  const keys: string[] = [];
  // A protobuf map keeps its entries in an object, where "__proto__" is no key: it is lost.
  for (const k in value) if (k !== "__proto__") keys.push(k);
  keys.sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = structValue(value[k]);
  return out;
}
function structValue(value: unknown): unknown {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "object":
      if (value === null) return null;
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) out[i] = structValue(value[i]);
        return out;
      }
      return structCopy(value as Record<string, unknown>);
    default:
      throw new Error("Unexpected struct type.");
  }
}
function lazyStruct(value: Record<string, unknown>): unknown {
  const copy = structCopy(value);
  const struct = new structProto.Struct();
  let given = false;
  let built: any;
  const full = () => (built ??= protobufStruct(copy));
  struct.toJavaScript = () => {
    if (given) return structCopy(copy);
    given = true;
    return copy;
  };
  struct.getFieldsMap = () => full().getFieldsMap();
  struct.serializeBinary = () => full().serializeBinary();
  return struct;
}
function lazyStructs(on: boolean): void {
  structProto.Struct.fromJavaScript = on ? lazyStruct : protobufStruct;
}

// Drains the runtime's queue of pending registrations; internal to the SDK, stable for years.
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/**
 * What the SDK builds for every resource and that a plan never reads: the source position of each
 * registration (a stack trace of unlimited depth, parsed frame by frame) and the debugging context
 * of each of its internal promises (a stack trace, an id and a label, for its report of promises
 * left pending at exit). Both serve the Pulumi engine's diagnostics only. Skipped by default;
 * `skipDiagnostics(false)` (the plan's --trace) puts the SDK's own back.
 */
export const SDK_DIAGNOSTICS = {
  resource: pulumi.Resource as unknown as { callsites(): unknown[] },
  debuggable: require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise<T>(p: Promise<T>, ctx?: unknown): Promise<T> },
};
const sdkOwn = { callsites: SDK_DIAGNOSTICS.resource.callsites, debuggablePromise: SDK_DIAGNOSTICS.debuggable.debuggablePromise };
const noCallsites = (): unknown[] => [];
// The SDK's own chains its promise twice (then, catch): the same two steps without the debugging
// context, so that what the program awaits settles in the same order as under the SDK's own (a
// component that looks at a registry before its subscription rules have reached it would differ).
const same = <T>(v: T): T => v;
const rethrow = (err: unknown): never => {
  throw err;
};
const plainPromise = <T>(p: Promise<T>): Promise<T> => p.then(same).catch(rethrow);

let diagnosticsSkipped = false;
export function skipDiagnostics(skip: boolean): void {
  diagnosticsSkipped = skip;
  SDK_DIAGNOSTICS.resource.callsites = skip ? noCallsites : sdkOwn.callsites;
  SDK_DIAGNOSTICS.debuggable.debuggablePromise = skip ? plainPromise : sdkOwn.debuggablePromise;
}
skipDiagnostics(true);

// A failed invoke or registration also surfaces as a rejected promise inside the SDK that nobody
// awaits. During a run it is a failure of that run; after it, one already reported is not news.
let active: { failures: Error[] } | undefined;
const reported = new Set<string>();

/**
 * The cause at the end of the SDK's chains ("error serializing property \"version\": <cause>"): an
 * Output that fails (a check inside an apply) rejects once for every resource that reads it, each
 * time with a longer chain, some after the run. The cause is what a user needs to read.
 */
export function rootCause(message: string): string {
  return message.split(/(?:Error: )?error serializing (?:property "[^"]*"|arguments for invoke [^:]+): (?:Error: )?/i).pop()!;
}
process.on("unhandledRejection", (reason) => {
  const err = reason instanceof Error ? reason : new Error(String(reason));
  if (active) active.failures.push(err);
  else if (!reported.has(rootCause(err.message))) throw err;
});

/**
 * Runs `program` as the root of a stack under the mock runtime and returns what it declared.
 * A program error, a failed registration or a duplicate URN rejects with that error.
 */
export function runProgram(options: RunOptions, program: () => unknown | Promise<unknown>): Promise<ProgramRun> {
  // The Pulumi runtime is one per process: runs take turns.
  const run = queue.then(() => runAlone(options, program));
  queue = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

let queue: Promise<void> = Promise.resolve();

async function runAlone(options: RunOptions, program: () => unknown | Promise<unknown>): Promise<ProgramRun> {
  const { project, stack } = options;
  const assumptions = new Set<string>();
  const ctx: EmulatorContext = {
    project,
    stack,
    stackOutputs: options.stackOutputs ?? (() => undefined),
    ...(options.registryContents ? { registryContents: options.registryContents } : {}),
    assume: (note) => assumptions.add(note),
  };
  pulumi.runtime.setMocks(createMocks(ctx, options.emulators ?? EMULATORS), project, stack, false);
  pulumi.runtime.setAllConfig({ ...(options.config ?? {}) }, [...(options.secretKeys ?? [])]);

  const records: RawRecord[] = [];
  const failures: Error[] = [];
  let stackOutputs: unknown = {};
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  const mockUrn = (parent: string, type: string, name: string) => {
    // The mock monitor's own URN scheme: every ancestor's type, root stack included.
    if (!parent) return `urn:pulumi:${stack}::${project}::${type}::${name}`;
    const parentType = parent.split("::")[2]!.split("$").pop();
    return `urn:pulumi:${stack}::${project}::${parentType}$${type}::${name}`;
  };
  // Registrations and reads are recorded and answered here, as the SDK's mock monitor answers them
  // (its `newResource` mock, its URNs, its table of answers) but with the properties converted out
  // of the request's protobuf Struct once, for the record and the emulator both, and the answer
  // handed back without a protobuf round trip.
  const registration = async (req: any, readOnly: boolean, cb: Callback) => {
    const type: string = req.getType();
    const name: string = req.getName();
    const parent: string = req.getParent();
    const object = ((readOnly ? req.getProperties() : req.getObject())?.toJavaScript() ?? {}) as Record<string, unknown>;
    records.push({
      mockUrn: mockUrn(parent, type, name),
      type,
      name,
      mockParent: parent,
      providerRef: req.getProvider(),
      deps: readOnly ? [] : req.getDependenciesList(),
      protect: readOnly ? false : Boolean(req.getProtect()),
      retainOnDelete: readOnly ? false : Boolean(req.getRetainondelete()),
      custom: readOnly ? true : req.getCustom(),
      read: readOnly,
      object,
      ...(readOnly ? {} : diffOptionsOf(req)),
    });
    try {
      const transforms = readOnly
        ? undefined
        : (req.getTransformsList() as any[]).map((t) => monitor.transformCallbacks.get(t.getToken())).filter((t) => t !== undefined);
      const result = await monitor.mocks.newResource({
        type,
        name,
        inputs: deserialized(object),
        provider: req.getProvider(),
        custom: readOnly ? true : req.getCustom(),
        id: readOnly ? req.getId() : req.getImportid(),
        ...(transforms ? { transforms } : {}),
      } as pulumi.runtime.MockResourceArgs);
      const urn = monitor.newUrn(parent, type, name);
      const state = (await pulumi.runtime.serializeProperties("", result.state)) as Record<string, unknown>;
      monitor.resources.set(urn, { urn, id: result.id ?? null, state });
      cb(null, answer(urn, result.id || "", state));
    } catch (err) {
      failures.push(err as Error);
      cb(err as Error, undefined);
    }
  };
  if (options.reference) {
    // The SDK's mock monitor answers, and is only watched: what it was asked is recorded, and what
    // it refused is a failure of the run.
    const register = monitor.registerResource.bind(monitor);
    const read = monitor.readResource.bind(monitor);
    const note = (req: any, readOnly: boolean, cb: Callback): Callback => {
      const parent: string = req.getParent();
      records.push({
        mockUrn: mockUrn(parent, req.getType(), req.getName()),
        type: req.getType(),
        name: req.getName(),
        mockParent: parent,
        providerRef: req.getProvider(),
        deps: readOnly ? [] : req.getDependenciesList(),
        protect: readOnly ? false : Boolean(req.getProtect()),
        retainOnDelete: readOnly ? false : Boolean(req.getRetainondelete()),
        custom: readOnly ? true : req.getCustom(),
        read: readOnly,
        object: (readOnly ? req.getProperties() : req.getObject())?.toJavaScript() ?? {},
        ...(readOnly ? {} : diffOptionsOf(req)),
      });
      return (err, res) => {
        if (err) failures.push(err);
        cb(err, res);
      };
    };
    monitor.registerResource = (req, cb) => register(req, note(req, false, cb));
    monitor.readResource = (req, cb) => read(req, note(req, true, cb));
  } else {
    monitor.registerResource = (req, cb) => registration(req, false, cb);
    monitor.readResource = (req, cb) => registration(req, true, cb);
  }
  monitor.registerResourceOutputs = (req, cb) => {
    if (req.getUrn() === `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`) {
      stackOutputs = req.getOutputs()?.toJavaScript() ?? {};
    }
    return registerOutputs(req, cb);
  };

  const skippedBefore = diagnosticsSkipped;
  if (options.reference) skipDiagnostics(false);
  else lazyStructs(true);
  active = { failures };
  // The program's own error is caught inside the stack, so that the stack still completes: an error
  // thrown through it would also reject promises inside the SDK that nobody awaits.
  let programError: Error | undefined;
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return (await program()) as pulumi.Inputs | undefined;
      } catch (err) {
        programError = err instanceof Error ? err : new Error(String(err));
        return {};
      }
    });
  } catch (err) {
    failures.push(err as Error);
  }
  // Even after a failure, let the stack finish registering (its outputs are registered in a
  // `finally`), so nothing of this run reaches the monitor of the next one.
  try {
    await settings.waitForRPCs();
    await new Promise((resolve) => setImmediate(resolve));
    // A failed Output rejects again in every resource that reads it, each a few turns later: wait
    // until the run has been quiet for a few turns, so no rejection of this run arrives after it.
    for (let quiet = 0, seen = failures.length; failures.length > 0 && quiet < 5;) {
      await new Promise((resolve) => setImmediate(resolve));
      quiet = failures.length === seen ? quiet + 1 : 0;
      seen = failures.length;
    }
  } catch (err) {
    failures.push(err as Error);
  } finally {
    active = undefined;
    skipDiagnostics(skippedBefore);
    lazyStructs(false);
  }
  // A resource the provider refused (a StackReference with no outputs, say) is the cause of what
  // the program then fails on, so it is reported first, as the engine would.
  if (programError) failures.push(programError);
  if (failures.length > 0) {
    for (const f of failures) reported.add(rootCause(f.message));
    failures[0]!.message = rootCause(failures[0]!.message);
    throw failures[0];
  }

  // Translate the mock monitor's URNs into the engine's, parents first (they register first).
  const urns = new Map<string, string>();
  const seen = new Set<string>();
  const resources: PlannedResource[] = [];
  const urnOf = (mock: string) => urns.get(mock) ?? mock;
  for (const r of records) {
    const parent = r.mockParent ? urnOf(r.mockParent) : undefined;
    const urn = engineUrn(stack, project, parent, r.type, r.name);
    if (seen.has(urn) && !r.read) {
      throw new Error(
        `two resources have the URN ${urn}: a second ${r.type} named '${r.name}' under the same parent; pulumi up would refuse it`,
      );
    }
    seen.add(urn);
    urns.set(r.mockUrn, urn);
  }
  // What the emulated provider answered, by the mock monitor's URN (it keeps every answer).
  const answers = monitor.resources;
  // The URNs a resource was known by before: its own aliases, and its name under each of its parent's.
  const aliasUrns = new Map<string, readonly string[]>();
  const none: readonly string[] = [];
  const aliasesOf = (r: RawRecord, urn: string): readonly string[] => {
    const known = aliasUrns.get(urn);
    if (known) return known;
    const parent = r.mockParent ? urnOf(r.mockParent) : undefined;
    const parentRecord = r.mockParent ? byMockUrn.get(r.mockParent) : undefined;
    const parentAliases = parent && parentRecord ? aliasesOf(parentRecord, parent) : none;
    if (!r.aliases && parentAliases.length === 0) {
      aliasUrns.set(urn, none);
      return none;
    }
    const out = new Set<string>();
    const specs = r.aliases ?? [];
    for (const a of specs) {
      if ("urn" in a) {
        out.add(a.urn);
        continue;
      }
      const name = a.name || r.name;
      const type = a.type || r.type;
      const aliasStack = a.stack || stack;
      const aliasProject = a.project || project;
      const parents = a.noParent ? [undefined] : a.parent ? [urnOf(a.parent)] : [parent, ...parentAliases];
      for (const p of parents) out.add(engineUrn(aliasStack, aliasProject, p, type, name));
    }
    for (const p of parentAliases) out.add(engineUrn(stack, project, p, r.type, r.name));
    out.delete(urn);
    const list = [...out];
    aliasUrns.set(urn, list);
    return list;
  };
  const byMockUrn = new Map(records.map((r) => [r.mockUrn, r]));
  for (const r of records) {
    if (r.type === "pulumi:pulumi:Stack") continue;
    const answered = r.read ? undefined : answers.get(r.mockUrn);
    const urn = urnOf(r.mockUrn);
    const aliases = aliasesOf(r, urn);
    const diffOptions: DiffOptions | undefined =
      aliases.length > 0 || r.ignoreChanges || r.replaceOnChanges
        ? {
            ...(aliases.length > 0 ? { aliases: [...aliases] } : {}),
            ...(r.ignoreChanges ? { ignoreChanges: r.ignoreChanges } : {}),
            ...(r.replaceOnChanges ? { replaceOnChanges: r.replaceOnChanges } : {}),
          }
        : undefined;
    const inputs = plain(r.object, urnOf) as Record<string, unknown>;
    const provider = r.providerRef ? urnOf(r.providerRef.split("::").slice(0, -1).join("::")) : undefined;
    resources.push({
      urn,
      type: r.type,
      name: r.name,
      ...(r.mockParent ? { parent: urnOf(r.mockParent) } : {}),
      ...(provider ? { provider } : {}),
      dependsOn: [...new Set(r.deps.map(urnOf))],
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      custom: r.custom,
      read: r.read,
      inputs,
      ...(r.custom && answered
        ? { id: answered.id ?? "", state: plainState(answered.state, r.object, inputs, urnOf, r.secretOutputs) }
        : {}),
      ...(diffOptions ? { diffOptions } : {}),
    });
  }
  return {
    project,
    stack,
    resources: treeOrder(resources),
    outputs: plain(stackOutputs, urnOf) as Record<string, unknown>,
    assumptions: [...assumptions],
  };
}

/** The options of a registration that shape its recorded state and its comparison with the previous one; only those set. */
function diffOptionsOf(req: any): Pick<RawRecord, "aliases" | "ignoreChanges" | "replaceOnChanges" | "secretOutputs"> {
  const out: Pick<RawRecord, "aliases" | "ignoreChanges" | "replaceOnChanges" | "secretOutputs"> = {};
  const aliases = req.getAliasesList() as any[];
  const aliasUrns = req.getAliasurnsList() as string[];
  if (aliases.length > 0 || aliasUrns.length > 0) {
    out.aliases = [
      ...aliasUrns.map((urn) => ({ urn })),
      ...aliases.map((a): AliasRecord => {
        if (a.hasUrn()) return { urn: a.getUrn() };
        const spec = a.getSpec();
        return {
          name: spec.getName(),
          type: spec.getType(),
          stack: spec.getStack(),
          project: spec.getProject(),
          ...(spec.getParenturn() ? { parent: spec.getParenturn() } : {}),
          noParent: spec.getNoparent(),
        };
      }),
    ];
  }
  const ignoreChanges = req.getIgnorechangesList() as string[];
  if (ignoreChanges.length > 0) out.ignoreChanges = ignoreChanges;
  const replaceOnChanges = req.getReplaceonchangesList() as string[];
  if (replaceOnChanges.length > 0) out.replaceOnChanges = replaceOnChanges;
  const secretOutputs = req.getAdditionalsecretoutputsList() as string[];
  if (secretOutputs.length > 0) out.secretOutputs = secretOutputs;
  return out;
}

/**
 * Registration order depends on how promises happen to resolve, so plans are put in a stable order
 * instead: a walk of the component tree, each parent before its children, siblings by URN.
 */
function treeOrder(resources: readonly PlannedResource[]): PlannedResource[] {
  const urns = new Set(resources.map((r) => r.urn));
  const children = new Map<string, PlannedResource[]>();
  const roots: PlannedResource[] = [];
  for (const r of resources) {
    if (r.parent && urns.has(r.parent)) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    else roots.push(r);
  }
  const byUrn = (a: PlannedResource, b: PlannedResource) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0);
  const out: PlannedResource[] = [];
  const visit = (list: PlannedResource[]) => {
    for (const r of list.sort(byUrn)) {
      out.push(r);
      visit(children.get(r.urn) ?? []);
    }
  };
  visit(roots);
  return out;
}
