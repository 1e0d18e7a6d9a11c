/**
 * Reading an environment's config from the Pulumi runtime (`Pulumi.<stack>.yaml`) and validating it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENT_KINDS, type EnvironmentKind, oneOf } from "./common";
import { alternatives, closestNames } from "../../policies/lib/names";
import { type ConfigProblem, ConfigError, problemsFromIssues } from "./errors";
import { type EnvironmentConfig, parseEnvironment, type SchemaContext } from "./schema";
import { readStackSource, type StackSource } from "./source";
import { misreadScalars, type ScalarProblem } from "./yamlScalars";

/** The config keys an environment may set (besides the secret keys its sections name). */
export const CONFIG_KEYS = [
  "kind",
  "region",
  "zones",
  "network",
  "account",
  "cluster",
  "registry",
  "imageMirror",
  "chartMirror",
  "gateway",
  "logging",
  "monitoring",
  "workloads",
  "serviceDefaults",
  "services",
  "jobs",
  "release",
  "policy",
] as const;

/**
 * The other namespaces a stack file's config keys may have besides this project's: the providers
 * this program configures (their credentials and regions), and the engine's own (`pulumi:tags`).
 */
export const PROVIDER_NAMESPACES = ["alicloud", "kubernetes", "docker", "random", "tls", "pulumi"] as const;

/** A stack's config as plain values, before validation. */
export interface RawStackConfig {
  readonly stack: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** Keys whose values are secrets; their values are never read here. */
  readonly secretKeys: ReadonlySet<string>;
  /**
   * Full keys ("ack-platfrom:services") in a namespace that is neither this project's nor a
   * provider's: a typo there would otherwise drop the key without a word.
   */
  readonly foreignKeys?: readonly string[];
  /** The project's name, for the near misses of its namespace. */
  readonly project?: string;
  /** The stack file's text, where values YAML reads other than they are written are found. */
  readonly source?: StackSource | { readonly unavailable: string };
}

// `isConfigSecret` is the runtime's own answer to "was this key set with --secret"; it is not in the
// SDK's typings, so it is reached through the module and falls back to the variable the CLI sets.
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (key: string) => boolean };

function isSecret(fullKey: string): boolean {
  if (runtimeConfig.isConfigSecret) return runtimeConfig.isConfigSecret(fullKey);
  const listed = process.env["PULUMI_CONFIG_SECRET_KEYS"];
  return listed ? (JSON.parse(listed) as string[]).includes(fullKey) : false;
}

/**
 * A stack's raw config from config as the CLI hands it to a program ("<project>:<key>" to a string,
 * structured values as JSON), keeping only this project's keys and never reading secret values.
 */
export function rawStackConfig(
  project: string,
  stack: string,
  config: Readonly<Record<string, string>>,
  isSecretKey: (fullKey: string) => boolean,
  source?: StackSource | { readonly unavailable: string },
): RawStackConfig {
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const foreignKeys: string[] = [];
  for (const [fullKey, value] of Object.entries(config)) {
    const colon = fullKey.indexOf(":");
    const namespace = fullKey.slice(0, colon);
    if (namespace !== project) {
      if (!(PROVIDER_NAMESPACES as readonly string[]).includes(namespace)) foreignKeys.push(fullKey);
      continue;
    }
    const key = fullKey.slice(colon + 1);
    if (isSecretKey(fullKey)) {
      secretKeys.add(key);
      continue;
    }
    values[key] = /^\s*[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return { stack, project, values, secretKeys, foreignKeys: foreignKeys.sort(), ...(source ? { source } : {}) };
}

/** The project directory: where Pulumi.yaml is (the runtime says; the working directory under mocks). */
function projectDirectory(): string {
  const root = pulumi.runtime.getRootDirectory();
  return root && fs.existsSync(path.join(root, "Pulumi.yaml")) ? root : process.cwd();
}

/** Reads this project's config keys from the running Pulumi program, and the text of its stack file. */
export function readStackConfig(project = pulumi.getProject(), stack = pulumi.getStack()): RawStackConfig {
  return rawStackConfig(project, stack, pulumi.runtime.allConfig(), isSecret, readStackSource(projectDirectory(), stack));
}

/** Problems of the keys outside this project's config, and of values YAML reads other than written. */
function sourceProblems(raw: RawStackConfig): { problems: ConfigProblem[]; misread: ScalarProblem[] } {
  const problems: ConfigProblem[] = [];
  const project = raw.project;
  for (const key of raw.foreignKeys ?? []) {
    const colon = key.indexOf(":");
    const namespace = key.slice(0, colon);
    const known = [...(project ? [project] : []), ...PROVIDER_NAMESPACES];
    const meant = closestNames(namespace, known).map((ns) => `${ns}${key.slice(colon)}`);
    problems.push({
      path: key,
      message:
        `is not a key of this project ('${project ?? "?"}') nor of a provider it configures (${PROVIDER_NAMESPACES.join(", ")}), so nothing would read it` +
        (meant.length > 0
          ? `; did you mean ${alternatives(meant)}?`
          : "; remove it, or name it '<namespace>:<key>' with one of those namespaces"),
    });
  }
  const misread = raw.source && "text" in raw.source && project ? misreadScalars(raw.source.text, project) : [];
  return { problems, misread };
}

/**
 * Validates a stack's raw config and applies the defaults of its kind. Throws a ConfigError that
 * lists every problem at once; nothing may be declared before this returns.
 */
export function parseEnvironmentConfig(raw: RawStackConfig, projectDir = process.cwd()): EnvironmentConfig {
  const { problems: keyProblems, misread } = sourceProblems(raw);
  const kind = oneOf(ENVIRONMENT_KINDS).safeParse(raw.values["kind"], { reportInput: true });
  if (!kind.success) {
    const misreadKind = misread.filter((p) => p.path.length === 1 && p.path[0] === "kind");
    const kindProblems =
      misreadKind.length > 0
        ? misreadKind.map((p) => ({ path: "kind", message: p.message }))
        : problemsFromIssues(kind.error.issues, ["kind"]);
    throw new ConfigError(raw.stack, [...keyProblems, ...kindProblems]);
  }
  const context: SchemaContext = {
    secretKeys: raw.secretKeys,
    fileExists: (relative) => fs.existsSync(path.join(projectDir, relative)),
    misread,
  };
  const { config, problems } = parseEnvironment(kind.data as EnvironmentKind, raw.values, context);
  if (!config || keyProblems.length > 0) throw new ConfigError(raw.stack, [...keyProblems, ...problems]);
  return config;
}

/**
 * Reads and validates the running stack's config. Without its stack file (config kept in Pulumi ESC
 * or Pulumi Cloud), the values YAML reads other than written cannot be checked: it says so.
 */
export function loadEnvironmentConfig(): EnvironmentConfig {
  const raw = readStackConfig();
  if (raw.source && "unavailable" in raw.source) {
    pulumi.log.warn(
      `${raw.source.unavailable}: values that YAML reads differently from how they are written (1.10 read as 1.1, 010 as 8, on as true) are not checked; quote such values where the config is kept`,
    );
  }
  return parseEnvironmentConfig(raw);
}
