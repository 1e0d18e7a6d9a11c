/**
 * Reading Pulumi.yaml and Pulumi.<stack>.yaml the way the Pulumi CLI does, without the CLI.
 *
 * Secret values (`secure: v1:...`) cannot be decrypted offline: they become the placeholder
 * "[secret]" and their keys are marked secret, so the program sees a secret where `pulumi up` would.
 *
 * Pulumi ESC environments a stack file imports (`environment:`) cannot be opened offline either:
 * their names are kept, so that the plan can say which config it could not read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";

export const SECRET_PLACEHOLDER = "[secret]";

export interface ProjectFile {
  readonly dir: string;
  readonly name: string;
  readonly runtime: string;
  /** The program entry, resolved to a file. */
  readonly main: string;
  /** Project-level config defaults ("<namespace>:<key>" to value). */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface StackFile {
  readonly stack: string;
  readonly file: string;
  /** Config as the CLI hands it to a program: "<namespace>:<key>" to a string. */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  /** The ESC environments the stack file imports, in order ("acme/prod", "acme/prod@3"). */
  readonly environments: readonly string[];
  /** Those imported with `merge: false`: their values reach the config only through the inline values. */
  readonly unmergedEnvironments: readonly string[];
  /** Whether the stack file defines environment values of its own (`environment: { values: ... }`). */
  readonly inlineEnvironment: boolean;
}

/** Thrown when a project or stack file is missing or malformed; the plan reports it as bad config. */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new StackFileError(`${file} does not exist`);
  }
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) throw new StackFileError(`${file}: ${doc.errors[0]!.message}`);
  return doc.toJS();
}

/** Reads Pulumi.yaml in `dir`. */
export function readProject(dir: string): ProjectFile {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!file) throw new StackFileError(`no Pulumi.yaml in ${dir}`);
  const doc = readYaml(file) as Record<string, any> | null;
  if (!doc || typeof doc.name !== "string") throw new StackFileError(`${file}: 'name' is required`);
  const runtime = typeof doc.runtime === "string" ? doc.runtime : doc.runtime?.name;
  if (runtime !== "nodejs") throw new StackFileError(`${file}: runtime ${JSON.stringify(runtime)} is not nodejs`);
  const mainPath = path.resolve(dir, typeof doc.main === "string" ? doc.main : ".");
  const main = resolveEntry(mainPath);
  if (!main) throw new StackFileError(`${file}: main '${doc.main ?? "."}' has no index.ts or index.js`);
  const config: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries((doc.config ?? {}) as Record<string, any>)) {
    const full = key.includes(":") ? key : `${doc.name}:${key}`;
    if (spec !== null && typeof spec === "object" && !Array.isArray(spec)) {
      if ("value" in spec) config[full] = spec.value;
      else if ("default" in spec) config[full] = spec.default;
    } else {
      config[full] = spec;
    }
  }
  return { dir, name: doc.name, runtime, main, config };
}

function resolveEntry(p: string): string | undefined {
  if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  for (const candidate of ["index.ts", "index.js"]) {
    const f = path.join(p, candidate);
    if (fs.existsSync(f)) return f;
  }
  return undefined;
}

/** Stack names that have a Pulumi.<stack>.yaml next to Pulumi.yaml. */
export function listStacks(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** Replaces every `{ secure: ... }` by the placeholder; reports whether there was one. */
function maskSecure(value: unknown): { value: unknown; secret: boolean } {
  if (Array.isArray(value)) {
    const items = value.map(maskSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0]![0] === "secure") return { value: SECRET_PLACEHOLDER, secret: true };
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const masked = maskSecure(v);
      out[k] = masked.value;
      secret ||= masked.secret;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}

/** The path of a stack's file, or a StackFileError naming the stacks that exist. */
export function stackFilePath(project: ProjectFile, stack: string): string {
  const file = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].map((f) => path.join(project.dir, f)).find((f) => fs.existsSync(f));
  if (!file) {
    const known = listStacks(project.dir);
    throw new StackFileError(
      `there is no Pulumi.${stack}.yaml in ${project.dir}; stacks here: ${known.length ? known.join(", ") : "none"}`,
    );
  }
  return file;
}

/** Reads Pulumi.<stack>.yaml of a project, merged over the project-level defaults. */
export function readStack(project: ProjectFile, stack: string): StackFile {
  const file = stackFilePath(project, stack);
  return parseStackText(project, stack, file, fs.readFileSync(file, "utf8"));
}

/** Parses the text of a stack file (e.g. one about to be written) as readStack would read it. */
export function parseStackText(project: ProjectFile, stack: string, file: string, text: string): StackFile {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) throw new StackFileError(`${file}: ${doc.errors[0]!.message}`);
  return parseStack(project, stack, file, (doc.toJS() ?? {}) as Record<string, unknown>);
}

/**
 * The `environment:` of a stack file as the Pulumi CLI reads it: a list of environment names, or an
 * inline environment definition whose `imports` name environments (a name, or a name with options
 * such as `{ acme/prod: { merge: false } }`) and whose `values` may hold config of its own.
 */
export function stackEnvironments(
  file: string,
  environment: unknown,
): { environments: string[]; unmergedEnvironments: string[]; inlineEnvironment: boolean } {
  const wrong = () =>
    new StackFileError(
      `${file}: environment must be a list of ESC environment names, or a mapping with 'imports' (a list of names) and 'values'`,
    );
  const unmergedEnvironments: string[] = [];
  const nameOf = (entry: unknown): string => {
    if (typeof entry === "string" && entry !== "") return entry;
    if (entry !== null && typeof entry === "object" && !Array.isArray(entry) && Object.keys(entry).length === 1) {
      const [name, options] = Object.entries(entry)[0]!;
      if ((options as { merge?: unknown } | null)?.merge === false) unmergedEnvironments.push(name);
      return name;
    }
    throw wrong();
  };
  if (environment === undefined || environment === null) return { environments: [], unmergedEnvironments, inlineEnvironment: false };
  if (Array.isArray(environment)) return { environments: environment.map(nameOf), unmergedEnvironments, inlineEnvironment: false };
  if (typeof environment !== "object") throw wrong();
  const { imports = [], values, ...rest } = environment as { imports?: unknown; values?: unknown };
  if (!Array.isArray(imports) || Object.keys(rest).length > 0) throw wrong();
  const inline = values !== null && typeof values === "object" && Object.keys(values).length > 0;
  return { environments: imports.map(nameOf), unmergedEnvironments, inlineEnvironment: inline };
}

function parseStack(project: ProjectFile, stack: string, file: string, doc: Record<string, unknown>): StackFile {
  const raw = { ...project.config, ...((doc["config"] ?? {}) as Record<string, unknown>) };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    const masked = maskSecure(value);
    if (masked.secret) secretKeys.push(full);
    config[full] = typeof masked.value === "string" ? masked.value : JSON.stringify(masked.value);
  }
  return { stack, file, config, secretKeys, ...stackEnvironments(file, doc["environment"]) };
}
