/**
 * The test harness: renders a component (or a whole program) under the same mock runtime as the
 * offline plan, records every resource with its inputs, and gives tests ways to look at them.
 */
import * as k8s from "@pulumi/kubernetes";
import { type PlannedResource, type RunOptions, runProgram } from "../tools/plan/engine";
import { collectManifests, isKubernetesObject } from "../tools/plan/manifests";

export type { PlannedResource } from "../tools/plan/engine";

export interface Rendered {
  readonly resources: readonly PlannedResource[];
  readonly outputs: Record<string, unknown>;
  /** What the emulators assumed about the world outside the program. */
  readonly assumptions: readonly string[];
  /** Resources of one type token, e.g. "kubernetes:apps/v1:Deployment". */
  ofType(type: string): PlannedResource[];
  /** The one resource with this name; throws if there is none or more than one. */
  named(name: string): PlannedResource;
  /** Kubernetes objects (inputs of plain Kubernetes resources), optionally of one kind. */
  objects(kind?: string): Array<Record<string, any>>;
  /** The Kubernetes object of this kind and metadata.name; throws if missing. */
  object(kind: string, name: string): Record<string, any>;
}

export interface RenderOptions {
  readonly project?: string;
  readonly stack?: string;
  /** Config values in the project's namespace; objects are passed as JSON, as the CLI does. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Keys of `config` that are secrets. */
  readonly secretKeys?: readonly string[];
  readonly stackOutputs?: RunOptions["stackOutputs"];
  /** What people have put into registries; unset, the emulator assumes what the program asks for. */
  readonly registryContents?: RunOptions["registryContents"];
}

/** Runs `program` under the mocks and returns what it declared. */
export async function render(program: () => unknown, options: RenderOptions = {}): Promise<Rendered> {
  const project = options.project ?? "ack-platform";
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.config ?? {})) {
    config[`${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const run = await runProgram(
    {
      project,
      stack: options.stack ?? "test",
      config,
      secretKeys: (options.secretKeys ?? []).map((k) => `${project}:${k}`),
      ...(options.stackOutputs ? { stackOutputs: options.stackOutputs } : {}),
      ...(options.registryContents ? { registryContents: options.registryContents } : {}),
    },
    program,
  );
  const resources = run.resources;
  const objects = (kind?: string) =>
    resources
      .filter(isKubernetesObject)
      .map((r) => r.inputs as Record<string, any>)
      .filter((o) => !kind || o["kind"] === kind);
  return {
    resources,
    outputs: run.outputs,
    assumptions: run.assumptions,
    ofType: (type) => resources.filter((r) => r.type === type),
    named(name) {
      const found = resources.filter((r) => r.name === name);
      if (found.length !== 1)
        throw new Error(`expected one resource named '${name}', found ${found.length}: ${resources.map((r) => r.name).join(", ")}`);
      return found[0]!;
    },
    objects,
    object(kind, name) {
      const found = objects(kind).find((o) => o["metadata"]?.name === name);
      if (!found)
        throw new Error(
          `no ${kind} named '${name}'; there are: ${objects(kind)
            .map((o) => o["metadata"]?.name)
            .join(", ")}`,
        );
      return found;
    },
  };
}

/** A Kubernetes provider for components under test (the mocks never contact a cluster). */
export function testProvider(name = "test"): k8s.Provider {
  return new k8s.Provider(name, { kubeconfig: "{}", clusterIdentifier: "test" });
}

/** Kubernetes objects of a rendering in the order the plan writes them. */
export function manifestsOf(rendered: Rendered) {
  return collectManifests(rendered.resources);
}
