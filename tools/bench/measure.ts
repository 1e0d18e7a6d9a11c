/**
 * Measures one size in a process of its own (so peak memory is that size's alone): plans a
 * generated production stack, then registers the same Kubernetes objects directly with Pulumi's
 * mock runtime, and prints the numbers as JSON.
 *
 *   tsx tools/bench/measure.ts <services>
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { declareObject } from "../../components/workload/microservice";
import { runProgram } from "../plan/engine";
import { isKubernetesObject } from "../plan/manifests";
import { planStack } from "../plan/plan";
import { generatedProject } from "./generate";

export interface Measurement {
  readonly services: number;
  readonly resources: number;
  readonly kubernetesObjects: number;
  /** The whole plan command: program run, policy, files written. */
  readonly planSeconds: number;
  /** The program run alone, under the mock runtime. */
  readonly runSeconds: number;
  /** The same Kubernetes objects registered directly, without components. */
  readonly directSeconds: number;
  readonly peakMemoryMiB: number;
}

const BUILT_IN = /^kubernetes:(core|apps|batch|policy|autoscaling|discovery\.k8s\.io|networking\.k8s\.io|rbac\.authorization\.k8s\.io)\//;

async function measure(count: number): Promise<Measurement> {
  const repo = path.resolve(__dirname, "../..");
  const { dir, stack } = generatedProject(repo, count);
  const outDir = path.join(dir, "out");

  const result = await planStack({ projectDir: dir, stack, outDir });

  const objects = result.run.resources.filter(isKubernetesObject);
  const directStarted = process.hrtime.bigint();
  await runProgram({ project: "ack-platform", stack: `${stack}-direct` }, () => {
    const provider = new k8s.Provider("direct", { kubeconfig: "{}" });
    objects.forEach((r, i) => {
      // Same classes as the components use: typed ones for built-in kinds, CustomResource for the rest.
      const custom = !BUILT_IN.test(r.type);
      declareObject(`${r.name}-${i}`, { role: r.name, object: r.inputs as Record<string, any>, custom }, { provider });
    });
  });
  const directSeconds = Number(process.hrtime.bigint() - directStarted) / 1e9;
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    services: count,
    resources: result.run.resources.length,
    kubernetesObjects: objects.length,
    planSeconds: result.timings.totalSeconds,
    runSeconds: result.timings.runSeconds,
    directSeconds,
    peakMemoryMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

// As in the plan command: no stack traces for the promises the SDK creates per resource.
Error.stackTraceLimit = 0;
measure(Number(process.argv[2])).then(
  (m) => {
    console.log(JSON.stringify(m));
    process.exit(0);
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
