/**
 * The test harness: renders a component (or a whole program) under the same mock runtime as the
 * offline plan, records every resource with its inputs, and gives tests ways to look at them.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
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
  /** The provider emulators, when not the plan's own (e.g. an Alibaba Cloud account with no roles). */
  readonly emulators?: RunOptions["emulators"];
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
      ...(options.emulators ? { emulators: options.emulators } : {}),
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

/**
 * The error of a program that fails inside an Output (a check in an `apply`), run in a process of its
 * own. Such a failure rejects again in every resource that reads the Output, and the test runner
 * counts each rejection against the test file; the plan command ignores the repeats, so the child
 * does what it does. `body` is the body of a function given `require` (paths from the repository
 * root, e.g. require("./components/cloud/cluster")) that returns the program to render, or
 * `{ program, options }`.
 */
export function failureOf(body: string): { failed: boolean; message: string } {
  const root = path.resolve(__dirname, "..");
  const script = `
    const path = require("node:path");
    const req = (p) => require(p.startsWith(".") ? path.join(${JSON.stringify(root)}, p) : p);
    const { render } = req("./test/harness");
    const made = new Function("require", ${JSON.stringify(body)})(req);
    const { program, options } = typeof made === "function" ? { program: made, options: {} } : made;
    render(program, options).then(
      () => { process.stdout.write(JSON.stringify({ failed: false, message: "" })); process.exit(0); },
      (err) => { process.stdout.write(JSON.stringify({ failed: true, message: err.message })); process.exit(0); },
    );`;
  const res = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  const last = res.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as { failed: boolean; message: string };
  } catch {
    throw new Error(`the child process did not report: status ${res.status}\n${res.stdout}\n${res.stderr}`);
  }
}
