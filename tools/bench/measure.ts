/**
 * Measures one size in a process of its own (so peak memory is that size's alone): plans a
 * generated production stack, then registers the same resources directly with Pulumi's mock
 * runtime, several times in turn, and prints the medians as JSON.
 *
 *   node --expose-gc --import tsx tools/bench/measure.ts <services> [repetitions, 5]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { declareObject, kubernetesClass } from "../../components/workload/microservice";
import { runProgram } from "../plan/engine";
import { isKubernetesObject } from "../plan/manifests";
import { type PlanResult, planStack } from "../plan/plan";
import { generatedProject } from "./generate";

export interface Measurement {
  readonly services: number;
  /** Resources the plan declares (components and providers aside). */
  readonly resources: number;
  readonly kubernetesObjects: number;
  /** The whole plan command: program run, policy, files written. */
  readonly planSeconds: number;
  /** The program run alone, under the mock runtime. */
  readonly runSeconds: number;
  /** The same resources registered directly, without components. */
  readonly directSeconds: number;
  readonly peakMemoryMiB: number;
}

/** A resource of any type, registered with its recorded inputs. */
class RawResource extends pulumi.CustomResource {
  constructor(type: string, name: string, inputs: Record<string, unknown>) {
    super(type, name, inputs);
  }
}

/** Collects garbage when the process allows it (--expose-gc), so no run pays for the previous one's. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The baseline: every resource a plan declared (Kubernetes objects, Helm releases, cloud resources),
 * registered directly at the root with the same inputs and classes, without components.
 */
async function registerDirectly(run: PlanResult["run"], stack: string): Promise<number> {
  const objects = run.resources.filter(isKubernetesObject);
  const others = run.resources.filter((r) => r.custom && !r.read && !isKubernetesObject(r) && !r.type.startsWith("pulumi:providers:"));
  const started = process.hrtime.bigint();
  await runProgram({ project: "ack-platform", stack: `${stack}-direct` }, () => {
    const provider = new k8s.Provider("direct", { kubeconfig: "{}" });
    objects.forEach((r, i) => {
      const custom = kubernetesClass(String(r.inputs["apiVersion"]), String(r.inputs["kind"])) === undefined;
      declareObject(`${r.name}-${i}`, { role: r.name, object: r.inputs as Record<string, any>, custom }, { provider });
    });
    others.forEach((r, i) => new RawResource(r.type, `${r.name}-${i}`, r.inputs));
  });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function measure(count: number, repetitions: number): Promise<Measurement> {
  const repo = path.resolve(__dirname, "../..");
  const { dir, stack } = generatedProject(repo, count);
  const outDir = path.join(dir, "out");

  // Warm up both sides first (module loading, JIT) with a small stack, so the sizes compare steady-state work.
  const warmup = generatedProject(repo, 5);
  const warm = await planStack({ projectDir: warmup.dir, stack: warmup.stack, outDir: path.join(warmup.dir, "out") });
  await registerDirectly(warm.run, warmup.stack);
  fs.rmSync(warmup.dir, { recursive: true, force: true });

  // The plan and the baseline take turns, each after a collection, and each reports its median.
  const plans: Array<PlanResult["timings"]> = [];
  const direct: number[] = [];
  let resources: PlanResult["run"]["resources"] = [];
  for (let i = 0; i < repetitions; i++) {
    collectGarbage();
    const result = await planStack({ projectDir: dir, stack, outDir });
    plans.push(result.timings);
    resources = result.run.resources;
    collectGarbage();
    direct.push(await registerDirectly(result.run, stack));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    services: count,
    resources: resources.filter((r) => r.custom && !r.read && !r.type.startsWith("pulumi:providers:")).length,
    kubernetesObjects: resources.filter(isKubernetesObject).length,
    planSeconds: median(plans.map((t) => t.totalSeconds)),
    runSeconds: median(plans.map((t) => t.runSeconds)),
    directSeconds: median(direct),
    peakMemoryMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

// As in the plan command: no stack traces for the promises the SDK creates per resource, and no
// source mapping of the stack it captures per resource.
Error.stackTraceLimit = 0;
process.setSourceMapsEnabled(false);
measure(Number(process.argv[2]), Number(process.argv[3] ?? 5)).then(
  (m) => {
    console.log(JSON.stringify(m));
    process.exit(0);
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
