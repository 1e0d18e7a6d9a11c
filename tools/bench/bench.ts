/**
 * npm run bench [-- 25 100 500]
 *
 * Plans generated production stacks of several sizes, each in a process of its own, and reports
 * wall time, peak memory, resources, and the ratio of the program's run to registering the same
 * Kubernetes objects directly with Pulumi's mock runtime in the same process. Not a test: numbers
 * depend on the machine.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { Measurement } from "./measure";

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const rows: Measurement[] = [];
for (const size of sizes.length ? sizes : [25, 100, 500]) {
  const res = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", path.join(__dirname, "measure.ts"), String(size)], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  if (res.status !== 0) {
    console.error(`measuring ${size} services failed:\n${res.stderr}`);
    process.exit(1);
  }
  rows.push(JSON.parse(res.stdout.trim().split("\n").pop()!) as Measurement);
}

const fixed = (n: number, digits = 1) => n.toFixed(digits);
console.log(
  "| services | resources | of which Kubernetes objects | plan (s) | program run (s) | direct registration (s) | ratio | ms per service | peak memory (MiB) |",
);
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const m of rows) {
  console.log(
    `| ${m.services} | ${m.resources} | ${m.kubernetesObjects} | ${fixed(m.planSeconds)} | ${fixed(m.runSeconds)} | ${fixed(m.directSeconds)} | ${fixed(m.runSeconds / m.directSeconds, 2)} | ${fixed((m.runSeconds * 1000) / m.services, 0)} | ${m.peakMemoryMiB} |`,
  );
}
const worst = Math.max(...rows.map((m) => m.runSeconds / m.directSeconds));
console.log(`\nratio target <= 1.25: ${worst <= 1.25 ? "met" : "NOT met"} (worst ${fixed(worst, 2)}), node ${process.version}`);
