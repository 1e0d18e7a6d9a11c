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
import * as pulumi from "@pulumi/pulumi";
import { declareObject, kubernetesClass } from "../../components/workload/microservice";
import { runProgram } from "../plan/engine";
import { isKubernetesObject } from "../plan/manifests";
import { planStack } from "../plan/plan";
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

async function measure(count: number): Promise<Measurement> {
  const repo = path.resolve(__dirname, "../..");
  const { dir, stack } = generatedProject(repo, count);
  const outDir = path.join(dir, "out");

  // Warm up first (module loading, JIT) with a small stack, so the sizes compare steady-state work.
  const warmup = generatedProject(repo, 5);
  await planStack({ projectDir: warmup.dir, stack: warmup.stack, outDir: path.join(warmup.dir, "out") });
  fs.rmSync(warmup.dir, { recursive: true, force: true });

  const result = await planStack({ projectDir: dir, stack, outDir });

  // The baseline: every resource the plan declared (Kubernetes objects, Helm releases, cloud
  // resources), registered directly at the root with the same inputs and classes, no components.
  const objects = result.run.resources.filter(isKubernetesObject);
  const others = result.run.resources.filter((r) => r.custom && !r.read && !isKubernetesObject(r) && !r.type.startsWith("pulumi:providers:"));
  const directStarted = process.hrtime.bigint();
  await runProgram({ project: "ack-platform", stack: `${stack}-direct` }, () => {
    const provider = new k8s.Provider("direct", { kubeconfig: "{}" });
    objects.forEach((r, i) => {
      const custom = kubernetesClass(String(r.inputs["apiVersion"]), String(r.inputs["kind"])) === undefined;
      declareObject(`${r.name}-${i}`, { role: r.name, object: r.inputs as Record<string, any>, custom }, { provider });
    });
    others.forEach((r, i) => new RawResource(r.type, `${r.name}-${i}`, r.inputs));
  });
  const directSeconds = Number(process.hrtime.bigint() - directStarted) / 1e9;
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    services: count,
    resources: objects.length + others.length,
    kubernetesObjects: objects.length,
    planSeconds: result.timings.totalSeconds,
    runSeconds: result.timings.runSeconds,
    directSeconds,
    peakMemoryMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

// As in the plan command: no stack traces for the promises the SDK creates per resource, and no
// source mapping of the stack it captures per resource.
Error.stackTraceLimit = 0;
process.setSourceMapsEnabled(false);
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
