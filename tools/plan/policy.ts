/**
 * The policy pack, evaluated offline on what a plan declared.
 *
 * It stands in for the two programs that run a pack for real: the Pulumi CLI, which reconciles the
 * pack's config (each rule's default enforcement and schema defaults, then the --policy-pack-config
 * file on top) and validates it; and @pulumi/policy's analyzer server, which hands each rule its
 * arguments (type, props behind `unknownCheckingProxy`, urn, name, options, provider, isType/asType,
 * getConfig, notApplicable) and turns an unknown value into an advisory "can't run during preview".
 * A rule therefore sees the same arguments here as under `pulumi preview --policy-pack policies`.
 */
import type {
  EnforcementLevel,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import { packConfigFor, type PolicyPackConfig, type StackPolicySettings } from "../../policies/config";
import { isStackRule, type Rule, type TypedValidation } from "../../policies/lib/policy";
import { PACK_NAME } from "../../policies/pack";
import { RULES } from "../../policies/rules";
import { ENVIRONMENT_KINDS, type EnvironmentKind } from "../../stacks/config/common";
import { policySchema } from "../../stacks/config/schema";
import type { PlannedResource } from "./engine";

/** A policy verdict on one resource (or the stack), as plan.json reports it. */
export interface PolicyViolation {
  readonly policy: string;
  readonly level: "advisory" | "mandatory";
  readonly urn?: string;
  readonly message: string;
}

const PACK_VERSION = (require("../../policies/package.json") as { version: string }).version;

// The wire value of an unknown (see @pulumi/policy's proxy.js): what the engine sends for a value
// that is not known until the update, and what the plan records as "[unknown]".
const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_PLACEHOLDER = "[unknown]";

/** A rule's config after reconciliation: its enforcement level and its properties. */
export interface RuleSettings {
  readonly enforcementLevel: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}

export type ReconciledConfig = ReadonlyMap<string, RuleSettings>;

/** A pack config that does not satisfy the rules' config schemas; the CLI refuses it the same way. */
export class PolicyPackConfigError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`the policy pack's config is invalid:\n${errors.map((e) => `  ${e}`).join("\n")}`);
    this.name = "PolicyPackConfigError";
  }
}

/** The errors of `value` against the subset of JSON Schema the rules' config schemas use. */
function schemaErrors(schema: PolicyConfigJSONSchema, value: unknown, at: string): string[] {
  const errors: string[] = [];
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const typeOf = (v: unknown) =>
    Array.isArray(v) ? "array" : v === null ? "null" : typeof v === "number" && Number.isInteger(v) ? "integer" : typeof v;
  if (types.length > 0 && !types.some((t) => t === typeOf(value) || (t === "number" && typeOf(value) === "integer"))) {
    return [`${at}: ${JSON.stringify(value)} is not of type ${types.join(" or ")}`];
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push(`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: ${value} is less than ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${at}: ${value} is greater than ${schema.maximum}`);
  }
  if (typeof value === "string" && schema.minLength !== undefined && value.length < schema.minLength) {
    errors.push(`${at}: '${value}' is shorter than ${schema.minLength}`);
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === "object" && !Array.isArray(schema.items)) {
    value.forEach((item, i) => errors.push(...schemaErrors(schema.items as PolicyConfigJSONSchema, item, `${at}[${i}]`)));
  }
  return errors;
}

/**
 * What the CLI does with a pack's config before the pack sees it: every rule starts from its default
 * enforcement and its schema's defaults; an "all" entry sets every rule's enforcement; each rule's
 * entry is laid over that; the result is validated against each rule's schema.
 */
export function reconcilePackConfig(
  given: Readonly<Record<string, EnforcementLevel | PolicyPackConfig[string]>> = {},
  rules: readonly Rule[] = RULES,
): ReconciledConfig {
  // An entry may be just an enforcement level ("all": "advisory"), as in the CLI's config files.
  const entries = Object.entries(given).map(
    ([name, entry]) => [name, typeof entry === "string" ? { enforcementLevel: entry } : entry] as const,
  );
  const result = new Map<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>();
  for (const rule of rules) {
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(rule.configSchema.properties)) {
      if (typeof schema === "object" && schema.default !== undefined) properties[key] = structuredClone(schema.default);
    }
    result.set(rule.name, { enforcementLevel: rule.enforcementLevel, properties });
  }
  const all = entries.find(([name]) => name === "all")?.[1].enforcementLevel;
  if (all) for (const settings of result.values()) settings.enforcementLevel = all;
  for (const [name, entry] of entries) {
    const settings = result.get(name);
    if (!settings) continue;
    const { enforcementLevel, ...properties } = entry;
    if (enforcementLevel) settings.enforcementLevel = enforcementLevel;
    Object.assign(settings.properties, properties);
  }
  const errors: string[] = [];
  for (const rule of rules) {
    const { properties } = result.get(rule.name)!;
    for (const key of rule.configSchema.required ?? []) {
      if (!(key in properties)) errors.push(`${rule.name}: ${key} is required`);
    }
    for (const [key, value] of Object.entries(properties)) {
      const schema = rule.configSchema.properties[key];
      if (typeof schema === "object") errors.push(...schemaErrors(schema, value, `${rule.name}: ${key}`));
    }
  }
  if (errors.length > 0) throw new PolicyPackConfigError(errors);
  return result;
}

/**
 * Inputs as the analyzer receives them: "[unknown]" becomes the engine's unknown sentinel again.
 * `found.unknown` is set when there was one.
 */
function deserialize(value: unknown, found: { unknown: boolean }): unknown {
  if (value === UNKNOWN_PLACEHOLDER) {
    found.unknown = true;
    return UNKNOWN_SENTINEL;
  }
  if (Array.isArray(value)) return value.map((v) => deserialize(v, found));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k in value) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = deserialize(v, found);
    }
    return out;
  }
  return value;
}

class NotApplicable extends Error {}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason ?? "Policy does not apply");
}

type ResourceClass = { new (...args: any[]): unknown; __pulumiType?: string; isInstance?: (o: unknown) => boolean };

/** @pulumi/policy's own type test: the class's type token, else its isInstance. */
function isTypeOf(type: string, resourceClass: ResourceClass): boolean {
  const token = resourceClass.__pulumiType;
  if (token) return type === token;
  return typeof resourceClass.isInstance === "function" && resourceClass.isInstance({ __pulumiType: type }) === true;
}

function optionsOf(r: PlannedResource): PolicyResourceOptions {
  return {
    protect: r.protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

/**
 * What the evaluator works from: the plan's resources, their inputs deserialized once (a copy: a
 * rule cannot change the plan), behind the analyzer's unknown-checking proxy when they hold an
 * unknown. The proxy only ever throws for an unknown; without one, a rule reads the same values
 * straight from the copy, which is many times faster (each read through the proxy makes a new proxy).
 * `checkEveryRead` puts every resource behind the proxy, as the analyzer does: the reference a test
 * compares the verdicts with.
 */
class PlanView {
  private readonly inputs = new Map<PlannedResource, { props: Record<string, unknown>; unknown: boolean }>();
  private readonly byUrn: Map<string, PlannedResource>;

  constructor(
    readonly resources: readonly PlannedResource[],
    private readonly checkEveryRead = false,
  ) {
    this.byUrn = new Map(resources.map((r) => [r.urn, r]));
  }

  propsOf(r: PlannedResource): Record<string, any> {
    let inputs = this.inputs.get(r);
    if (!inputs) {
      const found = { unknown: false };
      inputs = { props: deserialize(r.inputs, found) as Record<string, unknown>, unknown: found.unknown };
      this.inputs.set(r, inputs);
    }
    return inputs.unknown || this.checkEveryRead ? unknownCheckingProxy(inputs.props) : inputs.props;
  }

  providerOf(r: PlannedResource): PolicyProviderResource | undefined {
    const provider = r.provider ? this.byUrn.get(r.provider) : undefined;
    if (!provider) return undefined;
    return { type: provider.type, props: this.propsOf(provider), urn: provider.urn, name: provider.name };
  }
}

const NO_TAGS: ReadonlyMap<string, string> = new Map();

function violationCollector(rule: Rule, level: "advisory" | "mandatory", out: PolicyViolation[], fixedUrn?: string): ReportViolation {
  return (message: string, urn?: string) => {
    const at = fixedUrn ?? urn;
    out.push({ policy: rule.name, level, ...(at ? { urn: at } : {}), message: message || rule.description });
  };
}

/** Runs a rule's validation the way the analyzer server does, turning unknowns and not-applicable into its outcomes. */
function runValidation(rule: Rule, out: PolicyViolation[], urn: string | undefined, validate: () => void): void {
  try {
    validate();
  } catch (err) {
    if (err instanceof NotApplicable) return;
    if (err instanceof UnknownValueError) {
      out.push({
        policy: rule.name,
        level: "advisory",
        ...(urn ? { urn } : {}),
        message: `can't run policy '${rule.name}' from policy pack '${PACK_NAME}@v${PACK_VERSION}' during preview: ${(err as Error).message}`,
      });
      return;
    }
    const where = urn ? ` on ${urn}` : "";
    throw new Error(`policy '${rule.name}' from policy pack '${PACK_NAME}@v${PACK_VERSION}' failed${where}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function levelOf(settings: RuleSettings | undefined): "advisory" | "mandatory" | undefined {
  const level = settings?.enforcementLevel;
  if (level === "disabled" || level === undefined) return undefined;
  // A violation of a remediation policy that still fails is reported as mandatory, as the server does.
  return level === "advisory" ? "advisory" : "mandatory";
}

function resourceArgs(view: PlanView, r: PlannedResource, settings: RuleSettings): ResourceValidationArgs {
  const props = view.propsOf(r);
  const provider = view.providerOf(r);
  return {
    type: r.type,
    props,
    urn: r.urn,
    name: r.name,
    opts: optionsOf(r),
    stackTags: NO_TAGS,
    isType: (cls: ResourceClass) => isTypeOf(r.type, cls),
    asType: ((cls: ResourceClass) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => structuredClone(settings.properties) as T,
    notApplicable,
    ...(provider ? { provider } : {}),
  } as ResourceValidationArgs;
}

/** The stack's resources as stack rules see them; built once per evaluation (rules only read them). */
function policyResources(view: PlanView): PolicyResource[] {
  const resources = view.resources.map((r) => {
    const props = view.propsOf(r);
    const provider = view.providerOf(r);
    const resource: PolicyResource = {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      dependencies: [],
      // The plan records a resource's dependencies, not which property each one came from.
      propertyDependencies: {},
      isType: (cls: ResourceClass) => isTypeOf(r.type, cls),
      asType: ((cls: ResourceClass) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
      ...(provider ? { provider } : {}),
    };
    return resource;
  });
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  view.resources.forEach((r, i) => {
    const resource = resources[i]!;
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent) resource.parent = parent;
    resource.dependencies = r.dependsOn.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
  });
  return resources;
}

function stackArgs(resources: PolicyResource[], settings: RuleSettings): StackValidationArgs {
  return {
    resources,
    stackTags: NO_TAGS,
    getConfig: <T extends object>() => structuredClone(settings.properties) as T,
    notApplicable,
  };
}

/**
 * Evaluates the rules on a plan's resources: each resource rule on every registered resource (the
 * engine does not analyze resources that are only read), then each stack rule on all of them.
 */
export function evaluatePolicies(
  resources: readonly PlannedResource[],
  config: ReconciledConfig = reconcilePackConfig(),
  rules: readonly Rule[] = RULES,
  options: { readonly checkEveryRead?: boolean } = {},
): PolicyViolation[] {
  const view = new PlanView(resources, options.checkEveryRead);
  const violations: PolicyViolation[] = [];
  const resourceRules = rules.filter((r) => !isStackRule(r));
  // A validation made by forTypes says which types it judges; on any other it would only report
  // itself not applicable, so it is not called (thousands of resources times every rule add up).
  const judges = (rule: Rule, type: string) => {
    const appliesTo = (rule as { validateResource?: Partial<TypedValidation> }).validateResource?.appliesTo;
    return appliesTo ? appliesTo(type) : true;
  };
  for (const r of resources) {
    if (r.read) continue;
    for (const rule of resourceRules) {
      const settings = config.get(rule.name);
      const level = levelOf(settings);
      if (!level || isStackRule(rule) || !judges(rule, r.type)) continue;
      const report = violationCollector(rule, level, violations, r.urn);
      runValidation(rule, violations, r.urn, () => rule.validateResource(resourceArgs(view, r, settings!), report));
    }
  }
  let stackResources: PolicyResource[] | undefined;
  for (const rule of rules) {
    const settings = config.get(rule.name);
    const level = levelOf(settings);
    if (!level || !isStackRule(rule)) continue;
    const report = violationCollector(rule, level, violations);
    stackResources ??= policyResources(view);
    runValidation(rule, violations, undefined, () => rule.validateStack(stackArgs(stackResources!, settings!), report));
  }
  return violations;
}

/**
 * A stack's policy settings from its config (as the CLI hands config to a program: "<project>:<key>"
 * to a string), with the schema's defaults for its kind applied. Undefined when the stack has no
 * valid kind or policy section (the program reports those), or is not one of this platform's stacks.
 */
export function stackPolicySettings(project: string, config: Readonly<Record<string, string>>): StackPolicySettings | undefined {
  const kind = config[`${project}:kind`];
  if (!ENVIRONMENT_KINDS.includes(kind as EnvironmentKind)) return undefined;
  const raw = config[`${project}:policy`];
  let value: unknown;
  try {
    value = raw === undefined ? undefined : JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = policySchema(kind as EnvironmentKind).safeParse(value);
  if (!parsed.success) return undefined;
  return { environment: kind as EnvironmentKind, ...parsed.data };
}

/** The pack config of a stack: derived from its settings, or empty (the pack's defaults) for a stack without any. */
export function stackPackConfig(stack: string, settings: StackPolicySettings | undefined): PolicyPackConfig {
  return settings ? packConfigFor(stack, settings) : {};
}

/** "orders-stable (kubernetes:apps/v1:Deployment)" from a URN. */
function resourceOfUrn(urn: string): string {
  const parts = urn.split("::");
  const type = parts[2]?.split("$").pop() ?? "";
  return `${parts[3] ?? urn} (${type})`;
}

/** The policy section of the plan's printed summary: violations grouped by rule, disabled rules with their reasons. */
export function formatPolicyReport(
  policy: { readonly violations: readonly PolicyViolation[]; readonly disabled: ReadonlyArray<{ rule: string; reason: string }> },
  settings: StackPolicySettings | undefined,
  configFile: string,
  perRule = 10,
  rules: readonly Rule[] = RULES,
): string {
  const mandatory = policy.violations.filter((v) => v.level === "mandatory").length;
  const advisory = policy.violations.length - mandatory;
  const context = settings
    ? `environment ${settings.environment}, enforcement ${settings.enforcement}`
    : "no policy settings in this stack: the pack's defaults (prod, each rule's default enforcement)";
  const lines = [
    `  policy: ${PACK_NAME} pack, ${rules.length} rules (${context})`,
    `    ${mandatory} mandatory and ${advisory} advisory violation${advisory === 1 ? "" : "s"}`,
  ];
  const order = new Map(rules.map((r, i) => [r.name, i]));
  const groups = new Map<string, PolicyViolation[]>();
  for (const v of policy.violations) {
    const key = `${v.policy}\u0000${v.level}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      (a[0]!.level === b[0]!.level ? 0 : a[0]!.level === "mandatory" ? -1 : 1) ||
      (order.get(a[0]!.policy) ?? 0) - (order.get(b[0]!.policy) ?? 0),
  );
  for (const group of sorted) {
    const first = group[0]!;
    const rule = rules.find((r) => r.name === first.policy);
    lines.push(`    ${first.level} ${first.policy} (${group.length}): ${rule?.description ?? ""}`);
    for (const v of group.slice(0, perRule)) lines.push(`      ${v.urn ? resourceOfUrn(v.urn) : "(stack)"}: ${v.message}`);
    if (group.length > perRule) lines.push(`      ... and ${group.length - perRule} more in plan.json`);
  }
  if (policy.disabled.length > 0) {
    lines.push("    disabled for this stack:");
    for (const d of policy.disabled) lines.push(`      ${d.rule}: ${d.reason}`);
  }
  lines.push(`    the same verdict from the CLI: pulumi preview --policy-pack policies --policy-pack-config ${configFile}`);
  return lines.join("\n");
}
