/**
 * The skeleton every rule on a workload's pods shares: its facts, the workload types it judges, and
 * a validation that runs on those types only. A rule states what it checks and nothing else.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { ReportViolation, ResourceValidationArgs, Severity } from "@pulumi/policy";
import { type Container, containersOf, podTemplateOf, WORKLOAD_TYPES } from "./kubernetes";
import { configSchema, forTypes, type ResourceRule } from "./policy";

export interface WorkloadRuleFacts {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  /** @default "mandatory" */
  readonly enforcementLevel?: "advisory" | "mandatory";
  /** Type tokens judged. @default WORKLOAD_TYPES (every kind of workload, Jobs and Pods included) */
  readonly appliesTo?: readonly string[];
  /** The rule's own settings, besides `environment`. */
  readonly config?: PolicyConfigSchema["properties"];
}

/** A rule on a workload object as the Kubernetes provider receives it. */
export function workloadRule(
  facts: WorkloadRuleFacts,
  validate: (props: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceRule {
  const appliesTo = facts.appliesTo ?? WORKLOAD_TYPES;
  return {
    name: facts.name,
    description: facts.description,
    severity: facts.severity,
    enforcementLevel: facts.enforcementLevel ?? "mandatory",
    configSchema: configSchema(facts.config),
    appliesTo,
    validateResource: forTypes(appliesTo, validate),
  };
}

/** What a container rule sees of the workload around the container. */
export interface ContainerContext {
  readonly type: string;
  readonly props: Record<string, any>;
  readonly args: ResourceValidationArgs;
}

/**
 * A rule on each container of a workload's pods: init containers too, unless `main` says only the
 * containers that run for the pod's life.
 */
export function containerRule(
  facts: WorkloadRuleFacts & { readonly containers?: "all" | "main" },
  check: (c: Container, report: (message: string) => void, context: ContainerContext) => void,
): ResourceRule {
  return workloadRule(facts, (props, args, report) => {
    const spec = podTemplateOf(args.type, props).spec;
    for (const c of containersOf(spec, facts.containers !== "main"))
      check(c, (message) => report(message), { type: args.type, props, args });
  });
}
