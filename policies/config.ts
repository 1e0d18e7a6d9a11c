/**
 * The pack's configuration for one stack, derived from the stack's `policy` settings: the file
 * `pulumi preview --policy-pack policies --policy-pack-config <file>` reads, and what the offline
 * plan evaluates with. Both come from this one function, so they cannot disagree.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import type { Environment, Rule } from "./lib/policy";
import { RULES } from "./rules";

/** A stack's policy settings (the `policy` section of its config, and its kind). */
export interface StackPolicySettings {
  readonly environment: Environment;
  /** advisory: every violation is reported only; mandatory: each rule has its default enforcement. */
  readonly enforcement: "advisory" | "mandatory";
  readonly disabled: ReadonlyArray<{ readonly rule: string; readonly reason: string }>;
  readonly capacityHeadroomPercent: number;
  /** Registries allowed besides Alibaba Cloud's. */
  readonly allowedRegistries: readonly string[];
}

/** The JSON the CLI's --policy-pack-config takes: per rule, its enforcement level and properties. */
export type PolicyPackConfig = Record<string, { enforcementLevel: EnforcementLevel } & Record<string, unknown>>;

export interface SettingsProblem {
  readonly path: string;
  readonly message: string;
}

/** Settings that name rules the pack does not have; reported like any other config problem. */
export class PolicySettingsError extends Error {
  constructor(
    readonly stack: string,
    readonly problems: readonly SettingsProblem[],
  ) {
    super(
      `stack '${stack}' has ${problems.length} policy config problem${problems.length === 1 ? "" : "s"}; nothing was planned:\n` +
        problems.map((p) => `  ${p.path}: ${p.message}`).join("\n"),
    );
    this.name = "PolicySettingsError";
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Problems with the rules a stack disables: unknown names (with the nearest known one), repeats. */
export function checkDisabledRules(settings: Pick<StackPolicySettings, "disabled">, rules: readonly Rule[] = RULES): SettingsProblem[] {
  const names = rules.map((r) => r.name);
  const problems: SettingsProblem[] = [];
  const first = new Map<string, number>();
  settings.disabled.forEach(({ rule }, i) => {
    const path = `policy.disabled[${i}].rule`;
    if (!names.includes(rule)) {
      const nearest = [...names].sort((a, b) => editDistance(rule, a) - editDistance(rule, b))[0]!;
      const hint = editDistance(rule, nearest) <= 3 ? `did you mean '${nearest}'?` : `the rules are: ${names.join(", ")}`;
      problems.push({ path, message: `'${rule}' is not a rule of the policy pack; ${hint}` });
    } else if (first.has(rule)) {
      problems.push({ path, message: `'${rule}' is already disabled by policy.disabled[${first.get(rule)}]` });
    } else {
      first.set(rule, i);
    }
  });
  return problems;
}

/**
 * The pack config of a stack: each rule's enforcement (disabled, advisory, or its default where the
 * stack enforces), the environment, and the settings of the rules that take any. Throws a
 * PolicySettingsError when the stack disables a rule the pack does not have.
 */
export function packConfigFor(stack: string, settings: StackPolicySettings, rules: readonly Rule[] = RULES): PolicyPackConfig {
  const problems = checkDisabledRules(settings, rules);
  if (problems.length > 0) throw new PolicySettingsError(stack, problems);
  const disabled = new Set(settings.disabled.map((d) => d.rule));
  const config: PolicyPackConfig = {};
  for (const rule of rules) {
    const enforcementLevel: EnforcementLevel = disabled.has(rule.name)
      ? "disabled"
      : settings.enforcement === "advisory"
        ? "advisory"
        : rule.enforcementLevel;
    const entry: PolicyPackConfig[string] = { enforcementLevel, environment: settings.environment };
    const properties = rule.configSchema.properties;
    if ("headroomPercent" in properties) entry["headroomPercent"] = settings.capacityHeadroomPercent;
    if ("allowedRegistries" in properties) {
      const defaults = (properties["allowedRegistries"] as { default?: string[] }).default ?? [];
      entry["allowedRegistries"] = [...new Set([...defaults, ...settings.allowedRegistries])];
    }
    config[rule.name] = entry;
  }
  return config;
}
