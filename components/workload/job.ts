/**
 * BatchJob: a Job run once (a migration) or a CronJob run on a schedule (a nightly job), with the
 * same hardened pod, resources, variables and shared volumes as a Microservice. See jobPlan.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { type BatchJobArgs, batchJobProblems, planBatchJob } from "./jobPlan";
import { declareObject } from "./microservice";
import { MicroserviceArgsError } from "./validate";

export const BATCH_JOB_TYPE = "ack-platform:workload:BatchJob";

export interface BatchJobOptions extends pulumi.ComponentResourceOptions {
  /** Resources every object of the job waits for, such as its namespace. */
  readonly childDependsOn?: readonly pulumi.Input<pulumi.Resource>[];
  /** Resources that install the CRDs of its alert rules (the monitoring add-on). */
  readonly crdDependencies?: readonly pulumi.Input<pulumi.Resource>[];
}

export class BatchJob extends pulumi.ComponentResource {
  /** Name of the Job or CronJob. */
  readonly jobName: pulumi.Output<string>;
  /** "Job" or "CronJob". */
  readonly kind: pulumi.Output<string>;
  /** Every object declared, by role ("job", "cronjob", "config", ...). */
  readonly resources: Readonly<Record<string, pulumi.CustomResource>>;

  constructor(name: string, args: BatchJobArgs, opts: BatchJobOptions = {}) {
    const problems = batchJobProblems(name, args);
    if (problems.length > 0) throw new MicroserviceArgsError(name, problems, "BatchJob");
    const { crdDependencies, childDependsOn, ...componentOpts } = opts;
    super(BATCH_JOB_TYPE, name, {}, componentOpts);
    const resources: Record<string, pulumi.CustomResource> = {};
    for (const planned of planBatchJob(name, args)) {
      resources[planned.role] = declareObject(
        `${name}-${planned.role}`,
        planned,
        { parent: this, ...(planned.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}) },
        { ...(childDependsOn ? { all: childDependsOn } : {}), ...(crdDependencies ? { crds: crdDependencies } : {}) },
      );
    }
    this.resources = resources;
    this.jobName = pulumi.output(name);
    this.kind = pulumi.output(args.schedule !== undefined ? "CronJob" : "Job");
    this.registerOutputs({ jobName: this.jobName, kind: this.kind });
  }
}
