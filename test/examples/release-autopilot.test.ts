/**
 * The CI workflow of the release autopilot (examples/release-autopilot/) cannot run here, so what it
 * relies on is checked instead: its release commands run, as written, against a copy of prod and a
 * local Prometheus; its parsing of their lines finds the services awaiting approval; the jobs gate
 * promotions on an environment; every update goes through the policy pack; every action is pinned.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import YAML from "yaml";
import { MONITORING_RELEASE } from "../../components/platform/addonPolicies";
import { OPTIONS } from "../../tools/release/cli";
import { decide } from "../../tools/release/decision";
import { copyOfProject, REPO } from "../planRunner";
import { type FakePrometheus, startFakePrometheus, tracks } from "../tools/release/fakePrometheus";
import { releaseInProcess } from "../tools/release/inProcess";

const FILE = path.join(REPO, "examples/release-autopilot/release-autopilot.yml");
const workflow = YAML.parse(fs.readFileSync(FILE, "utf8")) as {
  on: { schedule: Array<{ cron: string }> };
  env: Record<string, string>;
  jobs: Record<
    string,
    { needs?: string | string[]; environment?: string; if?: string; steps: Array<{ uses?: string; run?: string; id?: string }> }
  >;
};
const runs = Object.values(workflow.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : [])));
const lines = runs.flatMap((r) => r.split("\n"));

/** The words of a shell command line, quotes removed, variables of the workflow filled in. */
function words(line: string, vars: Record<string, string>): string[] {
  return line
    .trim()
    .replace(/\$\{?(\w+)\}?/g, (m, name: string) => vars[name] ?? m)
    .split(/\s+/)
    .map((w) => w.replace(/^"|"$/g, ""));
}

describe("the release autopilot's workflow", () => {
  const servers: FakePrometheus[] = [];
  after(() => Promise.all(servers.map((s) => s.close())));

  it("runs on a schedule, and by hand", () => {
    assert.match(workflow.on.schedule[0]!.cron, /^\*\/15 \* \* \* \*$/);
    assert.ok("workflow_dispatch" in workflow.on);
  });

  it("pins every action to a commit", () => {
    const uses = Object.values(workflow.jobs).flatMap((j) => j.steps.flatMap((s) => (s.uses ? [s.uses] : [])));
    assert.ok(uses.length >= 6);
    for (const u of uses) assert.match(u, /^[\w-]+\/[\w-]+@[0-9a-f]{40}$/, u);
  });

  it("stops for a person before a promotion: an environment with reviewers, then the promotion", () => {
    const { approve, promote, advance } = workflow.jobs;
    assert.equal(approve!.environment, "prod-promotion");
    assert.deepEqual(promote!.needs, ["advance", "approve"]);
    assert.match(promote!.if!, /needs\.approve\.result == 'success'/);
    assert.match(approve!.if!, /needs\.advance\.outputs\.awaiting != ''/);
    assert.ok(
      advance!.steps.every((s) => !s.run?.includes("--approve")),
      "the scheduled job approves nothing",
    );
  });

  it("applies every change through the policy pack, with the stack's policy config", () => {
    const ups = lines.filter((l) => /\bpulumi (up|preview)\b/.test(l));
    assert.ok(ups.length >= 4, `${ups.length} pulumi commands`);
    for (const l of ups) assert.match(l, /--policy-pack policies --policy-pack-config "out\/\$STACK\/policy-config\.json"/, l);
  });

  it("reaches the Prometheus the platform installs, in its namespace", () => {
    const forwards = lines.filter((l) => l.includes("kubectl") && l.includes(" port-forward "));
    assert.equal(forwards.length, 2);
    for (const l of forwards) assert.ok(l.includes(`-n monitoring port-forward service/${MONITORING_RELEASE}-prometheus 9090:9090`), l);
    assert.equal(workflow.env["PROMETHEUS"], "http://127.0.0.1:9090");
  });

  it("runs its release commands as written: they parse, judge and write", async () => {
    const commands = lines.filter((l) => l.includes("npm run --silent release --"));
    assert.equal(commands.length, 2);
    const known = new Set(Object.keys(OPTIONS).map((o) => `--${o}`));
    const dir = copyOfProject("prod");
    const server = await startFakePrometheus(
      tracks({ catalog: { canary: { requests: 1500, errors: 1 }, stable: { requests: 12000, errors: 10 } } }),
    );
    servers.push(server);
    for (const command of commands) {
      const argv = words(command.slice(command.indexOf("release --") + "release --".length).split("|")[0]!, {
        STACK: "prod",
        PROMETHEUS: server.url,
        service: "catalog",
      });
      for (const flag of argv.filter((w) => w.startsWith("--"))) assert.ok(known.has(flag), `${flag} in: ${command}`);
      // Through the command's main in this process (the command as a process is tested in
      // test/tools/release.test.ts): the exit status and stdout are the command's.
      const run = await releaseInProcess([...argv, "--project", dir]);
      const res = { code: run.status, stdout: run.stdout };
      // The scheduled job takes catalog from 10 to 25; the promote job finds nothing awaiting approval.
      assert.ok([0, 3].includes(res.code), `${argv.join(" ")}: ${res.code}\n${res.stdout}`);
    }
    assert.match(fs.readFileSync(path.join(dir, "Pulumi.prod.yaml"), "utf8"), /canary: \{ version: "2\.15\.0", weight: 25, steps/);
  });

  it("reads the services awaiting approval from the decision lines, even beside a rollback", () => {
    const judge = workflow.jobs["advance"]!.steps.find((s) => s.id === "judge")!.run!;
    const sed = /sed -n '([^']+)'/.exec(judge)![1]!;
    const analysis = { minRequests: 100, maxErrorPercent: 1, latencyQuantile: 0.99, windowMinutes: 10 };
    const line = (service: string, errors: number, needsApproval: boolean) =>
      decide({
        service,
        judged: { track: "canary", numbers: { requests: 1000, errors } },
        analysis,
        from: "canary 50%",
        next: "canary 100% (promotion step 1 of 3)",
        back: "canary 0%",
        needsApproval,
      }).line;
    const decisions = [
      line("catalog", 0, true),
      line("payments", 80, true),
      line("search-v2", 2, false),
      line("recommendations", 1, true),
      "updated Pulumi.prod.yaml (payments); now: pulumi up --stack prod",
    ].join("\n");
    const res = spawnSync("sed", ["-n", sed], { input: decisions, encoding: "utf8" });
    assert.equal(res.stdout, "catalog\nrecommendations\n", "payments rolled back; search-v2 advanced");
  });
});
