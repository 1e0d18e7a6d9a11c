/**
 * What every rule of the pack is: a plain value that @pulumi/policy accepts as a policy, plus the
 * facts the documentation and the offline evaluator need (its default enforcement, the resource
 * types it judges). Nothing here starts the policy server: only ../index.ts does that.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import {
  type PolicyConfigSchema,
  type ReportViolation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type Severity,
  type StackValidationArgs,
  type StackValidationPolicy,
  UnknownValueError,
} from "@pulumi/policy";

/** The kinds of environment the platform's stacks have; prod-only rules ask the pack's config which one this is. */
export const ENVIRONMENTS = ["local", "dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** A rule's configuration, as `args.getConfig()` returns it. */
export interface RuleConfig {
  readonly environment?: Environment;
  readonly headroomPercent?: number;
  readonly allowedRegistries?: readonly string[];
}

interface RuleFacts {
  readonly name: string;
  /** The one-line reason a user reads next to each violation. */
  readonly description: string;
  readonly severity: Severity;
  /**
   * The enforcement where the stack's policy enforcement is mandatory (prod by default). A stack whose
   * enforcement is advisory (local, dev and staging by default) reports every rule as advisory.
   */
  readonly enforcementLevel: "advisory" | "mandatory";
  readonly configSchema: PolicyConfigSchema;
  /** Type tokens the rule judges; `*` stands for any API version ("kubernetes:apps/*:Deployment"). */
  readonly appliesTo: readonly string[];
}

export interface ResourceRule extends Omit<ResourceValidationPolicy, keyof RuleFacts | "validateResource">, RuleFacts {
  readonly validateResource: (args: ResourceValidationArgs, report: ReportViolation) => void;
}

export interface StackRule extends Omit<StackValidationPolicy, keyof RuleFacts | "validateStack">, RuleFacts {
  readonly validateStack: (args: StackValidationArgs, report: ReportViolation) => void;
}

export type Rule = ResourceRule | StackRule;

export function isStackRule(rule: Rule): rule is StackRule {
  return "validateStack" in rule;
}

/**
 * The `environment` every rule is configured with. Its default is prod: a pack run without its
 * stack's config judges as strictly as production, never more leniently.
 */
const environmentProperty: PolicyConfigJSONSchema = {
  type: "string",
  enum: [...ENVIRONMENTS],
  default: "prod",
  description: "The kind of environment of the stack under review; prod-only rules apply only to prod.",
};

/** A rule's config schema: the environment plus the rule's own settings. */
export function configSchema(extra: PolicyConfigSchema["properties"] = {}): PolicyConfigSchema {
  return { properties: { environment: environmentProperty, ...extra } };
}

export function environmentOf(args: { getConfig<T extends object>(): T }): Environment {
  return args.getConfig<RuleConfig>().environment ?? "prod";
}

/** Ends the validation as not applicable outside prod. */
export function prodOnly(args: ResourceValidationArgs | StackValidationArgs): void {
  const environment = environmentOf(args);
  if (environment !== "prod") args.notApplicable(`applies to prod only; this is ${environment}`);
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\/]/g, "\\$&").replace(/\*/g, "[^:]*")}$`);
}

/** A predicate on type tokens from the globs of `appliesTo`. */
export function typeMatcher(globs: readonly string[]): (type: string) => boolean {
  const patterns = globs.map(globToRegExp);
  return (type) => patterns.some((p) => p.test(type));
}

/** A validation that judges only some types, and says which: an evaluator may skip the others. */
export type TypedValidation = ((args: ResourceValidationArgs, report: ReportViolation) => void) & {
  readonly appliesTo: (type: string) => boolean;
};

/**
 * A resource validation that runs only on the given types, and reports the others as not
 * applicable the way @pulumi/policy's validateResourceOfType does.
 */
export function forTypes(
  globs: readonly string[],
  validate: (props: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation) => void,
): TypedValidation {
  const matches = typeMatcher(globs);
  const validation = (args: ResourceValidationArgs, report: ReportViolation) => {
    if (!matches(args.type)) args.notApplicable(`applies to ${globs.join(", ")}`);
    validate(args.props, args, report);
  };
  return Object.assign(validation, { appliesTo: matches });
}

/**
 * Reads a value that only names things in a message (a namespace, a name): if it is unknown during a
 * preview, the fallback is used instead of giving up on the whole rule.
 */
export function known<T>(read: () => T, fallback: T): T {
  try {
    const value = read();
    return value === undefined || value === null ? fallback : value;
  } catch (err) {
    if (err instanceof UnknownValueError) return fallback;
    throw err;
  }
}

/** The value if it is a plain object (a mapping), else undefined. */
export function asObject(value: unknown): Record<string, any> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, any>) : undefined;
}

/** The value if it is an array, else an empty one. */
export function asArray(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/**
 * A plain copy of a value read from a rule's props. Props reach rules behind a proxy that checks
 * every read for unknowns; matching hundreds of selectors against hundreds of workloads through it is
 * slow, so indexes keep copies. Reading the whole value throws for an unknown inside it, as any read would.
 */
export function copyOf<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
