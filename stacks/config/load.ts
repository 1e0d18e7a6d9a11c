/**
 * Reading an environment's config from the Pulumi runtime (`Pulumi.<stack>.yaml`) and validating it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENT_KINDS, type EnvironmentKind, oneOf } from "./common";
import { ConfigError, problemsFromIssues } from "./errors";
import { type EnvironmentConfig, parseEnvironment, type SchemaContext } from "./schema";

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
export const PROVIDER_NAMESPACES = ["alicloud", "kubernetes", "docker", "random", "pulumi"] as const;

/** A stack's config as plain values, before validation. */
export interface RawStackConfig {
  readonly stack: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** Keys whose values are secrets; their values are never read here. */
  readonly secretKeys: ReadonlySet<string>;
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
): RawStackConfig {
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, value] of Object.entries(config)) {
    const colon = fullKey.indexOf(":");
    if (fullKey.slice(0, colon) !== project) continue;
    const key = fullKey.slice(colon + 1);
    if (isSecretKey(fullKey)) {
      secretKeys.add(key);
      continue;
    }
    values[key] = /^\s*[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return { stack, values, secretKeys };
}

/** Reads this project's config keys from the running Pulumi program. */
export function readStackConfig(project = pulumi.getProject(), stack = pulumi.getStack()): RawStackConfig {
  return rawStackConfig(project, stack, pulumi.runtime.allConfig(), isSecret);
}

/**
 * Validates a stack's raw config and applies the defaults of its kind. Throws a ConfigError that
 * lists every problem at once; nothing may be declared before this returns.
 */
export function parseEnvironmentConfig(raw: RawStackConfig, projectDir = process.cwd()): EnvironmentConfig {
  const kind = oneOf(ENVIRONMENT_KINDS).safeParse(raw.values["kind"], { reportInput: true });
  if (!kind.success) {
    throw new ConfigError(raw.stack, problemsFromIssues(kind.error.issues, ["kind"]));
  }
  const context: SchemaContext = {
    secretKeys: raw.secretKeys,
    fileExists: (relative) => fs.existsSync(path.join(projectDir, relative)),
  };
  const { config, problems } = parseEnvironment(kind.data as EnvironmentKind, raw.values, context);
  if (!config) throw new ConfigError(raw.stack, problems);
  return config;
}

/** Reads and validates the running stack's config. */
export function loadEnvironmentConfig(): EnvironmentConfig {
  return parseEnvironmentConfig(readStackConfig());
}
