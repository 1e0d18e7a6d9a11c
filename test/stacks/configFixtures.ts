/**
 * Environments and helpers shared by the config tests: the smallest valid dev and prod configs,
 * and the parse that the program runs, with which files exist answered by the test.
 */
import assert from "node:assert/strict";
import {
  ConfigError,
  type EnvironmentConfig,
  type EnvironmentKind,
  KIND_DEFAULTS,
  parseEnvironment,
  parseEnvironmentConfig,
} from "../../stacks/config";

export const DEV = {
  kind: "dev",
  region: "cn-hangzhou",
  zones: ["cn-hangzhou-h", "cn-hangzhou-i"],
  registry: { mode: "existing", endpoint: "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com", namespace: "acme" },
};

export const PROD = {
  kind: "prod",
  region: "cn-hangzhou",
  zones: ["cn-hangzhou-h", "cn-hangzhou-i"],
  registry: { mode: "managed", instanceName: "acme-prod", namespace: "acme" },
  gateway: { tls: { email: "ops@acme.example.com", hosts: ["api.acme.example.com"] } },
};

/** Secret config keys that are set, and files of the repository that exist (build contexts). */
export interface ParseContext {
  readonly secrets?: readonly string[];
  readonly files?: readonly string[];
}

/** Parses a config of a known kind; throws its ConfigError. */
export function parseConfig(values: Record<string, unknown>, { secrets = [], files = [] }: ParseContext = {}): EnvironmentConfig {
  const result = parseEnvironment(values["kind"] as EnvironmentKind, values, {
    secretKeys: new Set(secrets),
    fileExists: (p) => files.includes(p),
  });
  if (!result.config) throw new ConfigError("test", result.problems);
  return result.config;
}

/** The "<path>: <message>" lines of the ConfigError the values produce; none when they are valid. */
export function configProblems(values: Record<string, unknown>, context: ParseContext = {}): string[] {
  try {
    if (typeof values["kind"] !== "string" || !(values["kind"] in KIND_DEFAULTS)) {
      parseEnvironmentConfig({ stack: "test", values, secretKeys: new Set(context.secrets ?? []) });
    } else {
      parseConfig(values, context);
    }
  } catch (err) {
    assert.ok(ConfigError.isInstance(err), `expected a ConfigError, got ${String(err)}`);
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}
