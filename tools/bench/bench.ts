/**
 * npm run bench [-- [--runs N] [--no-dev] 25 100 500]
 *
 * What a user pays for the plan, against plain Pulumi. For each size it generates a production stack
 * of that many services (./generate.ts) and measures, as whole processes taking turns N times (5 by
 * default):
 *
 * - the plan, run by the command `npm run plan` runs (package.json's `plan` script, with its Node
 *   flags), without npm's own start-up;
 * - the baseline (./baseline.mjs): the same Kubernetes objects registered with the plain
 *   @pulumi/kubernetes classes under Pulumi's mock runtime with its usual mocks, in a process with
 *   Node's defaults.
 *
 * It prints the medians of wall time and peak memory (maxRSS), their ratio, the peak memory per
 * resource, the growth per service between sizes, and `npm run plan -- dev` through npm. Not a test:
 * the numbers depend on the machine, which the first lines describe.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { generatedProject } from "./generate";
import { isKubernetesObject } from "../plan/manifests";
import type { PlanDocument } from "../plan/plan";

const REPO = path.resolve(__dirname, "../..");
const PEAK = pathToFileURL(path.join(__dirname, "peak.mjs")).href;
const BASELINE = path.join(__dirname, "baseline.mjs");

/** The targets the plan is held to (docs/plan.md). */
export const TARGETS = { ratio: 1.0, kibPerResource: 200, devSeconds: 2.5 } as const;

interface Run {
  readonly seconds: number;
  readonly peakMiB: number;
}

/** One command as a whole process: wall time, and peak memory of its Node.js processes (summed). */
function measure(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Run & { stdout: string } {
  const peakFile = path.join(os.tmpdir(), `bench-peak-${process.pid}-${Date.now()}.txt`);
  const started = process.hrtime.bigint();
  const res = spawnSync(command, args, {
    cwd: REPO,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: {
      ...process.env,
      ...env,
      PATH: `${path.join(REPO, "node_modules", ".bin")}${path.delimiter}${process.env["PATH"] ?? ""}`,
      NODE_OPTIONS: `${process.env["NODE_OPTIONS"] ?? ""} --import ${JSON.stringify(PEAK)}`.trim(),
      BENCH_PEAK_FILE: peakFile,
    },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (res.status !== 0)
    throw new Error(`${command} ${args.join(" ")} exited with ${res.status}:\n${res.stderr}\n${res.stdout.slice(-2000)}`);
  const peaks = fs.existsSync(peakFile) ? fs.readFileSync(peakFile, "utf8").trim().split("\n") : [];
  fs.rmSync(peakFile, { force: true });
  const kib = peaks.reduce((sum, line) => sum + Number(line.split(" ")[1]), 0);
  return { seconds, peakMiB: kib / 1024, stdout: res.stdout };
}

/** `npm run plan -- <args>` as npm runs it (its script in a shell), without npm itself. */
function planCommand(args: readonly string[]): [string, string[]] {
  const script = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts[
    "plan"
  ]!;
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  return ["sh", ["-c", `${script} ${quoted}`]];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface SizeResult {
  readonly services: number;
  /** What the plan's summary counts: resources, providers included, components and reads aside. */
  readonly resources: number;
  readonly objects: number;
  readonly plan: Run;
  readonly baseline: Run;
}

function measureSize(services: number, runs: number): SizeResult {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
  try {
    const { dir, stack } = generatedProject(REPO, services, work);
    const outDir = path.join(dir, "out");
    const [cmd, args] = planCommand(["--project", dir, stack, "--out", outDir]);
    // A first plan, not counted: the objects the baseline registers, the counts, and warm caches.
    const first = measure(cmd, args);
    const summary = /: (\d+) resources in \d+ components/.exec(first.stdout);
    if (!summary) throw new Error(`the plan printed no summary:\n${first.stdout.slice(0, 2000)}`);
    const document = JSON.parse(fs.readFileSync(path.join(outDir, "plan.json"), "utf8")) as PlanDocument;
    const objects = document.resources
      .filter((r) => isKubernetesObject({ type: r.type, inputs: r.inputs, custom: r.state !== null, read: false }))
      .map((r, i) => ({ name: `${r.name}-${i}`, object: r.inputs }));
    const objectsFile = path.join(work, "objects.json");
    fs.writeFileSync(objectsFile, JSON.stringify(objects));
    const check = measure(process.execPath, [BASELINE, objectsFile]);
    const registered = (JSON.parse(check.stdout.trim().split("\n").pop()!) as { registered: number }).registered;
    if (registered < objects.length) throw new Error(`the baseline registered ${registered} of ${objects.length} objects`);

    const plans: Run[] = [];
    const baselines: Run[] = [];
    for (let i = 0; i < runs; i++) {
      // Turns, the first alternating, so that neither always runs on a machine the other just warmed.
      const order = i % 2 === 0 ? ["plan", "baseline"] : ["baseline", "plan"];
      for (const which of order) {
        if (which === "plan") plans.push(measure(cmd, args));
        else baselines.push(measure(process.execPath, [BASELINE, objectsFile]));
      }
      process.stderr.write(".");
    }
    const med = (list: Run[]): Run => ({ seconds: median(list.map((r) => r.seconds)), peakMiB: median(list.map((r) => r.peakMiB)) });
    return { services, resources: Number(summary[1]), objects: objects.length, plan: med(plans), baseline: med(baselines) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { runs: { type: "string", default: "5" }, "no-dev": { type: "boolean", default: false } },
  });
  const runs = Number(values.runs);
  const sizes = positionals.length ? positionals.map(Number) : [25, 100, 500];
  if (!(runs >= 1) || sizes.some((n) => !(n > 0))) {
    console.error("usage: npm run bench -- [--runs N] [--no-dev] [services ...]");
    process.exit(2);
  }
  const cpus = os.cpus();
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);
  console.log(`Node.js ${process.version}; load average before: ${load()}`);
  console.log(
    `plan: ${planCommand([]).at(1)!.at(1)!.trim()}; baseline: node ${path.relative(REPO, BASELINE)}; ${runs} runs each, in turns\n`,
  );

  const results: SizeResult[] = [];
  for (const n of sizes) {
    process.stderr.write(`${n} services `);
    results.push(measureSize(n, runs));
    process.stderr.write("\n");
  }

  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(
    "| services | resources | Kubernetes objects | plan (s) | baseline (s) | ratio | plan peak (MiB) | baseline peak (MiB) | plan KiB per resource | baseline KiB per object |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of results) {
    console.log(
      `| ${r.services} | ${r.resources} | ${r.objects} | ${f(r.plan.seconds, 2)} | ${f(r.baseline.seconds, 2)} | ${f(r.plan.seconds / r.baseline.seconds, 2)} | ${f(r.plan.peakMiB, 0)} | ${f(r.baseline.peakMiB, 0)} | ${f((r.plan.peakMiB * 1024) / r.resources, 0)} | ${f((r.baseline.peakMiB * 1024) / r.objects, 0)} |`,
    );
  }
  if (results.length > 1) {
    console.log("\nGrowth per service between sizes (the slope, start-up aside):\n");
    console.log(
      "| services | plan (ms per service) | baseline (ms per service) | ratio | plan (KiB per service) | baseline (KiB per service) |",
    );
    console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for (let i = 1; i < results.length; i++) {
      const [a, b] = [results[i - 1]!, results[i]!];
      const n = b.services - a.services;
      const plan = ((b.plan.seconds - a.plan.seconds) * 1000) / n;
      const base = ((b.baseline.seconds - a.baseline.seconds) * 1000) / n;
      console.log(
        `| ${a.services} → ${b.services} | ${f(plan, 1)} | ${f(base, 1)} | ${f(plan / base, 2)} | ${f(((b.plan.peakMiB - a.plan.peakMiB) * 1024) / n, 0)} | ${f(((b.baseline.peakMiB - a.baseline.peakMiB) * 1024) / n, 0)} |`,
      );
    }
  }

  let dev: number | undefined;
  if (!values["no-dev"]) {
    // What a user waits for on the committed dev stack, npm included.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-dev-"));
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    measure(npm, ["run", "plan", "--", "dev", "--out", out]);
    dev = median(Array.from({ length: runs }, () => measure(npm, ["run", "plan", "--", "dev", "--out", out]).seconds));
    fs.rmSync(out, { recursive: true, force: true });
    console.log(`\nnpm run plan -- dev: ${f(dev, 2)} s (median of ${runs})`);
  }

  console.log(`\nload average after: ${load()}`);
  const verdicts = [
    ...results
      .filter((r) => r.services >= 100)
      .map((r) => [`ratio at ${r.services} services <= ${TARGETS.ratio}`, r.plan.seconds / r.baseline.seconds <= TARGETS.ratio] as const),
    ...results
      .filter((r) => r.services >= 500)
      .map(
        (r) =>
          [
            `peak memory at ${r.services} services <= ${TARGETS.kibPerResource} KiB per resource`,
            (r.plan.peakMiB * 1024) / r.resources <= TARGETS.kibPerResource,
          ] as const,
      ),
    ...(dev !== undefined ? [[`npm run plan -- dev < ${TARGETS.devSeconds} s`, dev < TARGETS.devSeconds] as const] : []),
  ];
  for (const [what, met] of verdicts) console.log(`${met ? "met" : "NOT met"}: ${what}`);
}

main();
