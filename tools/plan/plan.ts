/**
 * The offline plan: runs a stack's program under the mock runtime and writes what `pulumi up`
 * would create (plan.json, manifests/, helm/, graph.md).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { type DiffResult, diffPlans, formatDiff } from "./diff";
import { type PendingFolder, replaceFile, startFolder, Trash, writeJson } from "./files";
import { type ProgramRun, runProgram } from "./engine";
import { kindOf, renderGraph } from "./graph";
import { collectHelmReleases, collectManifests, type HelmRelease, type Manifest } from "./manifests";
import { evaluatePolicies, type PolicyViolation, reconcilePackConfig, stackPackConfig, stackPolicySettings } from "./policy";
import type { StackPolicySettings } from "../../policies/config";
import { describeEnvironments, environmentCount, importsEnvironments, withEnvironmentNotes } from "./environments";
import { readProject, readStack, SECRET_PLACEHOLDER } from "./stackFiles";

import { KUBECTL_YAML, KubectlYamlWriter } from "./kubectlYaml";
import { ConfigError, type ConfigProblem } from "../../stacks/config/errors";

export type { PolicyViolation } from "./policy";

/** The contents of plan.json. */
export interface PlanDocument {
  readonly project: string;
  readonly stack: string;
  readonly resources: ReadonlyArray<{
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    provider: string | null;
    dependsOn: string[];
    protect: boolean;
    retainOnDelete: boolean;
    inputs: Record<string, unknown>;
    /** The id the emulated provider gave it (null for components and reads). */
    id: string | null;
    /** The state the emulated provider returned, masked like the inputs (null for components and reads). */
    state: Record<string, unknown> | null;
  }>;
  readonly outputs: Record<string, unknown>;
  readonly helmReleases: ReadonlyArray<Omit<HelmRelease, "values" | "file">>;
  /** The policy pack's verdict, and the rules this stack disables with the reason it gives. */
  readonly policy: {
    readonly violations: readonly PolicyViolation[];
    readonly disabled: ReadonlyArray<{ readonly rule: string; readonly reason: string }>;
  };
  /** Only for a stack that imports ESC environments: what the plan could not read, and what it assumed. */
  readonly esc?: {
    /** The imported environments, which only the Pulumi CLI can open: their config is missing here. */
    readonly environmentsNotRead: readonly string[];
    /** Whether the stack file's own environment values (`environment: { values: ... }`) were left unread too. */
    readonly inlineValuesNotRead: boolean;
    /** Secret config keys the config names and the stack file does not set, planned as "[secret]" from the environments. */
    readonly secretsAssumed: readonly string[];
  };
}

export interface PlanResult {
  readonly run: ProgramRun;
  readonly document: PlanDocument;
  readonly manifests: readonly Manifest[];
  readonly helm: readonly HelmRelease[];
  readonly outDir: string;
  /** The stack's policy settings (kind, enforcement, disabled rules), when it is one of the platform's stacks. */
  readonly policySettings?: StackPolicySettings;
  /** Seconds spent running the program under the mock runtime, and in all. */
  readonly timings: { readonly runSeconds: number; readonly totalSeconds: number };
  /** The comparison with the previous plan, when one was given (also written to diff.json). */
  readonly diff?: DiffResult & { readonly previousDir: string };
}

export interface PlanOptions {
  /** Directory holding Pulumi.yaml. */
  readonly projectDir: string;
  readonly stack: string;
  /** Where to write; `out/<stack>` under the project directory by default. */
  readonly outDir?: string;
  /** Directories of other plans, by the name a StackReference uses ("org/project/stack"). */
  readonly stackReferences?: Readonly<Record<string, string>>;
  /**
   * A JSON file of what people have put into the stack's registries, `{ "<ACR instance name>":
   * { "<namespace>/<repository>": ["<tag>", ...] } }`. Without it, the plan assumes that what the
   * program asks people to copy or push is there, and reports that it assumed so.
   */
  readonly registryContentsFile?: string;
  /** A previous plan of the same stack to compare with, as the state `pulumi up` would start from. */
  readonly previousDir?: string;
  /**
   * Plan the slow way every shortcut of the plan is checked against, for the tests: the program's
   * registrations answered by the SDK's own mock monitor with its diagnostics on (engine.ts), every
   * policy rule reading through the analyzer's unknown-checking proxy (policy.ts), plan.json made
   * as one JSON.stringify. What it writes must be the same byte for byte.
   */
  readonly reference?: boolean;
}

/** Reads a --registry-contents file, refusing one of another shape with the shape it takes. */
export function readRegistryContents(file: string): Record<string, Record<string, string[]>> {
  const shape = `{ "<ACR instance name>": { "<namespace>/<repository>": ["<tag>", ...] } }`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`--registry-contents ${file}: ${(err as Error).message}; expected ${shape}`);
  }
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const ok =
    isRecord(parsed) &&
    Object.values(parsed).every(
      (repos) => isRecord(repos) && Object.values(repos).every((tags) => Array.isArray(tags) && tags.every((t) => typeof t === "string")),
    );
  if (!ok) throw new Error(`--registry-contents ${file}: expected ${shape}`);
  return parsed as Record<string, Record<string, string[]>>;
}

/** Thrown when --previous does not name a plan this one can be compared with. */
export class PreviousPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PreviousPlanError";
  }
}

/** Reads the previous plan before anything is written (it may be in the output directory). */
function readPreviousPlan(dir: string, project: string, stack: string): PlanDocument {
  const file = path.join(dir, "plan.json");
  if (!fs.existsSync(file)) throw new PreviousPlanError(`--previous ${dir}: there is no plan.json there; plan the stack into it first`);
  const plan = JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
  if (plan.project !== project || plan.stack !== stack) {
    throw new PreviousPlanError(
      `--previous ${dir}: that is a plan of ${plan.project}/${plan.stack}, not of ${project}/${stack}; compare a plan with a plan of the same stack`,
    );
  }
  const stateless = plan.resources.find((r) => r.state === undefined);
  if (stateless) {
    throw new PreviousPlanError(
      `--previous ${dir}: its plan.json records no provider state (it was written by an older version of the plan); plan that version again`,
    );
  }
  return plan;
}

function readPlan(dir: string): PlanDocument | undefined {
  const file = path.join(dir, "plan.json");
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument) : undefined;
}

function readOutputs(dir: string): Record<string, unknown> | undefined {
  return readPlan(dir)?.outputs;
}

/** Loads the outputs of another planned stack for a StackReference named "org/project/stack". */
function stackOutputsResolver(projectDir: string, explicit: Readonly<Record<string, string>>, workingDir: string) {
  return (name: string): Record<string, unknown> | undefined => {
    // An explicit --stack-reference, else the plan of a stack of that name here or where the command runs,
    // if it is a plan of the project the name gives ("org/project/stack"; "stack" alone takes any).
    const parts = name.split("/");
    const stack = parts.at(-1)!;
    const project = parts.length === 3 ? parts[1] : undefined;
    if (explicit[name] !== undefined) return readOutputs(explicit[name]);
    for (const dir of [path.join(projectDir, "out", stack), path.join(workingDir, "out", stack)]) {
      const plan = readPlan(dir);
      if (plan && (project === undefined || plan.project === project)) return plan.outputs;
    }
    return undefined;
  };
}

/** Runs the stack's program offline and writes the plan. Rejects with the program's error. */
export async function planStack(options: PlanOptions): Promise<PlanResult> {
  const projectDir = path.resolve(options.projectDir);
  const project = readProject(projectDir);
  const stackFile = readStack(project, options.stack);
  const outDir = path.resolve(options.outDir ?? path.join(projectDir, "out", options.stack));

  // Rules disabled by a name the pack does not know are refused before anything runs.
  const policySettings = stackPolicySettings(project.name, stackFile.config);
  const packConfig = stackPackConfig(options.stack, policySettings);
  const previousDir = options.previousDir ? path.resolve(options.previousDir) : undefined;
  const previous = previousDir ? readPreviousPlan(previousDir, project.name, options.stack) : undefined;

  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const workingDir = process.cwd();
  const registryContents = options.registryContentsFile
    ? readRegistryContents(path.resolve(workingDir, options.registryContentsFile))
    : undefined;
  process.chdir(projectDir);
  let run: ProgramRun;
  const secretsAssumed: string[] = [];
  try {
    const config = { ...stackFile.config };
    const secretKeys = [...stackFile.secretKeys];
    for (;;) {
      try {
        run = await runProgram(
          {
            project: project.name,
            stack: options.stack,
            config,
            secretKeys,
            stackOutputs: stackOutputsResolver(projectDir, options.stackReferences ?? {}, workingDir),
            ...(registryContents ? { registryContents } : {}),
            ...(options.reference ? { reference: true } : {}),
          },
          async () => {
            // The program is loaded the way Pulumi's Node.js host loads it: an exported function is called.
            const mod = require(project.main);
            const entry = mod?.default ?? mod;
            return typeof entry === "function" ? await entry() : entry;
          },
        );
        break;
      } catch (err) {
        const problems = configProblems(err);
        if (!problems || !importsEnvironments(stackFile)) throw err;
        // A config error is thrown before anything is declared, so the program runs again at once with
        // the secrets the environments are taken to hold (see environments.ts); the rest is reported.
        const assumed = problems.flatMap((p) => (p.secretKey !== undefined && !secretsAssumed.includes(p.secretKey) ? [p.secretKey] : []));
        if (assumed.length === 0) throw new ConfigError(options.stack, withEnvironmentNotes(problems, stackFile));
        for (const key of new Set(assumed)) {
          secretsAssumed.push(key);
          config[`${project.name}:${key}`] = SECRET_PLACEHOLDER;
          secretKeys.push(`${project.name}:${key}`);
        }
      }
    }
  } finally {
    process.chdir(workingDir);
  }
  const runSeconds = seconds();

  const manifests = collectManifests(run.resources);
  const helm = collectHelmReleases(run.resources);
  // The manifests and Helm values are written in the background while the policies are evaluated
  // and plan.json is written; they take their folders' places after it (see files.ts).
  const folders = startFolders(outDir, manifests, helm, options.reference === true);
  let document: PlanDocument;
  let diff: (DiffResult & { previousDir: string }) | undefined;
  try {
    document = {
      project: run.project,
      stack: run.stack,
      resources: run.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent ?? null,
        provider: r.provider ?? null,
        dependsOn: r.dependsOn,
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        inputs: r.inputs,
        id: r.id ?? null,
        state: r.state ?? null,
      })),
      outputs: run.outputs,
      helmReleases: helm.map(({ values: _values, file: _file, ...release }) => release),
      policy: {
        violations: evaluatePolicies(run.resources, reconcilePackConfig(packConfig), undefined, {
          checkEveryRead: options.reference === true,
        }),
        disabled: policySettings?.disabled ?? [],
      },
      ...(importsEnvironments(stackFile)
        ? {
            esc: {
              environmentsNotRead: stackFile.environments,
              inlineValuesNotRead: stackFile.inlineEnvironment,
              secretsAssumed: secretsAssumed.sort(),
            },
          }
        : {}),
    };
    diff = previous && previousDir ? { ...diffPlans(previous.resources, run.resources), previousDir } : undefined;
    await writePlan(outDir, document, folders, run, options.reference === true);
  } catch (err) {
    await folders.discard();
    throw err;
  }
  if (diff) fs.writeFileSync(path.join(outDir, "diff.json"), JSON.stringify(diff.diff, null, 2) + "\n");
  else fs.rmSync(path.join(outDir, "diff.json"), { force: true });
  // The file `pulumi preview --policy-pack policies --policy-pack-config` takes, for the same verdict from the CLI.
  fs.writeFileSync(path.join(outDir, "policy-config.json"), JSON.stringify(packConfig, null, 2) + "\n");
  return {
    run,
    document,
    manifests,
    helm,
    outDir,
    timings: { runSeconds, totalSeconds: seconds() },
    ...(policySettings ? { policySettings } : {}),
    ...(diff ? { diff } : {}),
  };
}

/** The problems of a config error thrown by the program (the policy pack has its own copy of the class). */
function configProblems(err: unknown): readonly ConfigProblem[] | undefined {
  return err instanceof Error && err.name === "ConfigError" && Array.isArray((err as ConfigError).problems)
    ? (err as ConfigError).problems
    : undefined;
}

/** The lines of the summary about ESC environments: what was not read, and which secrets were assumed. */
export function environmentLines(document: PlanDocument): string[] {
  const esc = document.esc;
  if (!esc) return [];
  const unread = { environments: esc.environmentsNotRead, inlineEnvironment: esc.inlineValuesNotRead };
  const [it, holds] = environmentCount(unread) === 1 ? ["it", "it holds"] : ["them", "they hold"];
  return [
    `  not read: ${describeEnvironments(unread)} (only the Pulumi CLI can open ${it}; config ${holds} is missing from this plan)`,
    ...(esc.secretsAssumed.length > 0
      ? [`    secrets taken to come from ${it}, planned as '${SECRET_PLACEHOLDER}': ${esc.secretsAssumed.join(", ")}`]
      : []),
  ];
}

/** The plan's folders of files, being written (`startFolder`). */
interface PendingFolders {
  readonly manifests: PendingFolder;
  readonly helm?: PendingFolder;
  discard(): Promise<void>;
}

function startFolders(outDir: string, manifests: readonly Manifest[], helm: readonly HelmRelease[], reference: boolean): PendingFolders {
  fs.mkdirSync(outDir, { recursive: true });
  // The slow way writes with yaml itself; the plan's own writer must give the same bytes (kubectlYaml.ts).
  const writer = new KubectlYamlWriter();
  const yaml = reference ? (value: unknown) => YAML.stringify(value, KUBECTL_YAML) : (value: unknown) => writer.stringify(value);
  const pendingManifests = startFolder(
    path.join(outDir, "manifests"),
    manifests.map((m) => [m.file, `# ${m.urn}\n` + yaml(m.object)] as const),
  );
  const pendingHelm =
    helm.length > 0
      ? startFolder(
          path.join(outDir, "helm"),
          helm.map((h) => {
            const header = [
              `# ${h.urn}`,
              `# helm upgrade --install ${h.name} ${h.repository && !h.chart.startsWith("oci://") ? `${h.chart} --repo ${h.repository}` : h.chart} --version ${h.version} --namespace ${h.namespace} -f ${h.file}`,
            ].join("\n");
            return [h.file, `${header}\n${yaml(h.values)}`] as const;
          }),
        )
      : undefined;
  return {
    manifests: pendingManifests,
    ...(pendingHelm ? { helm: pendingHelm } : {}),
    discard: async () => {
      await Promise.all([pendingManifests.discard(), pendingHelm?.discard()]);
    },
  };
}

async function writePlan(outDir: string, document: PlanDocument, folders: PendingFolders, run: ProgramRun, reference: boolean) {
  // Generated folders hold this plan's files and no other: no file of an earlier plan survives. What
  // this plan replaces is deleted after it returns (see files.ts).
  const trash = new Trash(outDir);
  const json = reference
    ? (file: string) => fs.writeFileSync(file, JSON.stringify(document, null, 2) + "\n")
    : (file: string) => writeJson(file, document);
  replaceFile(path.join(outDir, "plan.json"), json, trash);
  await folders.manifests.place(trash);
  if (folders.helm) await folders.helm.place(trash);
  else trash.take(path.join(outDir, "helm"));
  trash.empty();
  const graph = renderGraph(`${run.project}-${run.stack}`, run.resources);
  fs.writeFileSync(
    path.join(outDir, "graph.md"),
    `# ${run.project} / ${run.stack}\n\nComponent tree of the plan (boxes with × are resources counted by kind).\n\n\`\`\`mermaid\n${graph}\n\`\`\`\n`,
  );
}

/** "cloud", "platform", "workload" from a component type token "ack-platform:<layer>:<Name>". */
export function layerOf(
  resource: { type: string; parent?: string },
  byUrn: ReadonlyMap<string, { type: string; parent?: string }>,
): string {
  let current: { type: string; parent?: string } | undefined = resource;
  while (current) {
    const m = /^ack-platform:([a-z]+):/.exec(current.type);
    if (m) return m[1]!;
    current = current.parent ? byUrn.get(current.parent) : undefined;
  }
  return "stack";
}

/** The short report printed after a plan. */
export function summarize(result: PlanResult, relativeTo = process.cwd()): string {
  const resources = result.run.resources;
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const managed = resources.filter((r) => r.custom && !r.read);
  const layers = new Map<string, number>();
  const types = new Map<string, number>();
  for (const r of managed) {
    const layer = layerOf(r, byUrn);
    layers.set(layer, (layers.get(layer) ?? 0) + 1);
    const label = r.type.startsWith("pulumi:providers:")
      ? `provider ${r.type.split(":").pop()}`
      : `${r.type.split(":")[0]} ${kindOf(r.type)}`;
    types.set(label, (types.get(label) ?? 0) + 1);
  }
  const rel = (p: string) => path.relative(relativeTo, p) || ".";
  const order = ["cloud", "platform", "workload", "stack"];
  const layerLine = [...layers]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([l, n]) => `${l} ${n}`)
    .join(" · ");
  const typeLines = [...types].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([t, n]) => `    ${String(n).padStart(5)}  ${t}`);
  const components = resources.filter((r) => !r.custom).length;
  return [
    `Planned stack '${result.run.stack}' of ${result.run.project}: ${managed.length} resources in ${components} components`,
    ...environmentLines(result.document),
    `  by layer: ${layerLine || "none"}`,
    `  by type:`,
    ...typeLines,
    `  written:`,
    `    ${rel(path.join(result.outDir, "plan.json"))}`,
    `    ${rel(path.join(result.outDir, "manifests"))}/ (${result.manifests.length} Kubernetes objects, in apply order)`,
    ...(result.helm.length
      ? [
          `    ${rel(path.join(result.outDir, "helm"))}/ (${result.helm.length} Helm releases: ${result.helm.map((h) => `${h.name}@${h.version}`).join(", ")})`,
        ]
      : []),
    `    ${rel(path.join(result.outDir, "graph.md"))}`,
    ...(result.diff ? [`    ${rel(path.join(result.outDir, "diff.json"))}`] : []),
    ...(result.run.assumptions.length > 0
      ? [
          `  assumed (${result.run.assumptions.length}): what the program asks people to put into its registry is there; plan with --registry-contents FILE to check against what is`,
          ...result.run.assumptions.slice(0, 5).map((a) => `    ${a}`),
          ...(result.run.assumptions.length > 5 ? [`    ... and ${result.run.assumptions.length - 5} more`] : []),
        ]
      : []),
  ].join("\n");
}

/** The comparison with the previous plan, for the console (and a pull request). */
export function summarizeDiff(result: PlanResult, relativeTo = process.cwd()): string | undefined {
  if (!result.diff) return undefined;
  const byUrn = new Map(result.run.resources.map((r) => [r.urn, r]));
  const describe = (urn: string) => {
    const parts = urn.split("::");
    const type = byUrn.get(urn)?.type ?? parts[2]!.split("$").pop()!;
    const name = parts.slice(3).join("::");
    return type.startsWith("pulumi:providers:")
      ? `provider ${type.split(":").pop()} ${name}`
      : `${type.split(":")[0]} ${kindOf(type)} ${name}`;
  };
  const label = `the plan in ${path.relative(relativeTo, result.diff.previousDir) || "."}`;
  return formatDiff(result.diff, label, describe);
}
