/**
 * `npm run release -- prod ... --advance` end to end, against a real HTTP server on a free local port
 * that answers Prometheus' query API from a script, on a copy of prod. The first case runs the command
 * as a user runs it (its own process: exit status, stdout, the file); the others run the same command
 * line through its exported `main` in this process, with the same exit status and output.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { advance } from "../../../tools/release/advance";
import { copyOfProject, REPO } from "../../planRunner";
import { promqlProblems } from "../../promql";
import { releaseInProcess } from "./inProcess";
import { type FakePrometheus, startFakePrometheus, type Script, tracks, unreachableUrl, vector } from "./fakePrometheus";

const CLI = path.join(REPO, "tools/release/cli.ts");
const CATALOG = 'canary: { version: "2.15.0", weight: 10, steps: [10, 25, 50, 100] }';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run release -- prod <args> --project <dir>` as a process, without blocking the server in this process. */
function releaseProcess(dir: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", CLI, "prod", ...args, "--project", dir], { encoding: "utf8" }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

/** The same command line, run in this process (inProcess.ts). */
async function release(dir: string, ...args: string[]): Promise<Run> {
  const res = await releaseInProcess(["prod", ...args, "--project", dir]);
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** A copy of prod whose stack file is changed by `edit` (plain text replacements, so the layout is the repository's). */
function prodCopy(edit: (text: string) => string = (t) => t): { dir: string; file: string; text: string } {
  const dir = copyOfProject("prod");
  const file = path.join(dir, "Pulumi.prod.yaml");
  const text = edit(fs.readFileSync(file, "utf8"));
  fs.writeFileSync(file, text);
  return { dir, file, text };
}

const replace = (from: string, to: string) => (text: string) => {
  assert.ok(text.includes(from), `the stack file has ${from}`);
  return text.replace(from, to);
};

/** Catalog at `weight` with the steps and gates (and extra analysis keys). */
const catalogSteps = (weight = 10, analysis = "minRequests: 100, maxErrorPercent: 1") =>
  replace(CATALOG, `canary: { version: "2.15.0", weight: ${weight}, steps: [10, 25, 50, 100], analysis: { ${analysis} } }`);

/** The file as it is on disk: its bytes, and the inode and modification time a rewrite would change. */
function snapshot(file: string): { bytes: Buffer; ino: number; mtimeMs: number } {
  const { ino, mtimeMs } = fs.statSync(file);
  return { bytes: fs.readFileSync(file), ino, mtimeMs };
}

/** Lines that differ between two texts with the same number of lines. */
function changedLines(before: string, after: string): Array<[string, string]> {
  const a = before.split("\n");
  const b = after.split("\n");
  assert.equal(a.length, b.length, "the same number of lines");
  return a.flatMap((line, i): Array<[string, string]> => (line === b[i] ? [] : [[line.trim(), b[i]!.trim()]]));
}

const servers: FakePrometheus[] = [];
async function prometheus(script: Script): Promise<FakePrometheus> {
  const server = await startFakePrometheus(script);
  servers.push(server);
  return server;
}
after(() => Promise.all(servers.map((s) => s.close())));

const HEALTHY = {
  canary: { requests: 1520, errors: 3, latencySeconds: 0.21 },
  stable: { requests: 13680, errors: 12, latencySeconds: 0.19 },
};

describe("release --advance: catalog at 10 with steps [10, 25, 50, 100] and { minRequests: 100, maxErrorPercent: 1 }", () => {
  it("healthy metrics: exit 0 and the weight is 25 in the file, nothing else changed", async () => {
    const { dir, file, text } = prodCopy(catalogSteps());
    const server = await prometheus(tracks({ catalog: HEALTHY }));
    const res = await releaseProcess(dir, "catalog", "--advance", "--prometheus", server.url);
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      /^catalog: advance canary 10% → canary 25%: canary 1520 requests in 10m, 0\.2% 5xx \(max 1%\); stable 13680 requests, 0\.09% 5xx$/m,
    );
    assert.deepEqual(changedLines(text, fs.readFileSync(file, "utf8")), [
      [
        'canary: { version: "2.15.0", weight: 10, steps: [10, 25, 50, 100], analysis: { minRequests: 100, maxErrorPercent: 1 } }',
        'canary: { version: "2.15.0", weight: 25, steps: [10, 25, 50, 100], analysis: { minRequests: 100, maxErrorPercent: 1 } }',
      ],
    ]);
    assert.match(res.stdout, /updated Pulumi\.prod\.yaml \(catalog\); now: pulumi up --stack prod/);
    // The questions it asked: requests and 5xx per track over the window, nothing else (no latency threshold).
    assert.deepEqual(server.paths, ["/api/v1/query", "/api/v1/query"]);
    assert.deepEqual([...server.queries].sort(), [
      'sum by (track) (increase(http_requests_total{namespace="apps", service=~"catalog|catalog-canary", code=~"5.."}[10m]))',
      'sum by (track) (increase(http_requests_total{namespace="apps", service=~"catalog|catalog-canary"}[10m]))',
    ]);
    for (const q of server.queries) assert.deepEqual(promqlProblems(q), [], q);
    assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp")).length, 0, "no temporary file left");
  });

  it("errors far above 1%: exit 4 and the canary weight is 0", async () => {
    const { dir, file, text } = prodCopy(catalogSteps());
    const server = await prometheus(tracks({ catalog: { ...HEALTHY, canary: { requests: 1500, errors: 240 } } }));
    const res = await release(dir, "catalog", "--advance", "--prometheus", server.url);
    assert.equal(res.code, 4, res.stderr);
    assert.match(
      res.stdout,
      /^catalog: roll back canary 10% → canary 0%, 5xx 16% above the 1% maximum: canary 1500 requests in 10m, 16% 5xx \(max 1%\); stable 13680 requests, 0\.09% 5xx$/m,
    );
    assert.deepEqual(changedLines(text, fs.readFileSync(file, "utf8")), [
      [
        'canary: { version: "2.15.0", weight: 10, steps: [10, 25, 50, 100], analysis: { minRequests: 100, maxErrorPercent: 1 } }',
        'canary: { version: "2.15.0", weight: 0, steps: [10, 25, 50, 100], analysis: { minRequests: 100, maxErrorPercent: 1 } }',
      ],
    ]);
    // Rolled back, the canary is stopped: the next run judges nothing and moves nothing.
    const next = await release(dir, "catalog", "--advance", "--prometheus", server.url);
    assert.equal(next.code, 3);
    assert.match(
      next.stdout,
      /canary 2\.15\.0 at weight 0 is not a step \(rolled back, or not started\): nothing judged; a person starts it with npm run release -- prod catalog --weight 10/,
    );
    assert.equal(server.queries.length, 2, "no question asked for a stopped canary");
  });

  it("no traffic: exit 3 and the file is byte-for-byte unchanged", async () => {
    const { dir, file, text } = prodCopy(catalogSteps());
    const before = snapshot(file);
    const few = await prometheus(tracks({ catalog: { canary: { requests: 42, errors: 0 }, stable: { requests: 400 } } }));
    const res = await release(dir, "catalog", "--advance", "--prometheus", few.url);
    assert.equal(res.code, 3, res.stderr);
    assert.match(
      res.stdout,
      /^catalog: hold at canary 10%, too little traffic to judge \(100 requests needed\): canary 42 requests in 10m, 0% 5xx \(max 1%\)/m,
    );
    assert.equal(fs.readFileSync(file, "utf8"), text);
    // No series at all (nothing scraped yet) is no traffic too.
    const none = await prometheus(() => vector({}));
    const empty = await release(dir, "catalog", "--advance", "--prometheus", none.url);
    assert.equal(empty.code, 3, empty.stderr);
    assert.match(empty.stdout, /canary 0 requests in 10m/);
    assert.equal(fs.readFileSync(file, "utf8"), text);
    // Not even rewritten with the same text: the same bytes, the same inode (a rename would change it), the same time.
    assert.deepEqual(snapshot(file), before);
  });

  it("the server down: exit 1 and the file unchanged", async () => {
    const { dir, file, text } = prodCopy(catalogSteps());
    const before = snapshot(file);
    const res = await release(dir, "catalog", "--advance", "--prometheus", await unreachableUrl());
    assert.equal(res.code, 1, res.stderr);
    assert.match(
      res.stdout,
      /^catalog: cannot judge canary 10%, nothing changed: cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query: ECONNREFUSED$/m,
    );
    assert.equal(fs.readFileSync(file, "utf8"), text);
    assert.deepEqual(snapshot(file), before);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith(".tmp")),
      [],
      "no temporary file left",
    );
  });

  it("an answer it does not understand: exit 1 and the file unchanged", async () => {
    const { dir, file, text } = prodCopy(catalogSteps());
    const answers: Array<[string, Script, RegExp]> = [
      [
        "a proxy's login page",
        () => ({ status: 200, body: "<html><body>Sign in</body></html>" }),
        /answered 200 with something that is not JSON: <html>/,
      ],
      [
        "a matrix",
        () => ({ status: 200, body: { status: "success", data: { resultType: "matrix", result: [] } } }),
        /is a "matrix", not an instant vector/,
      ],
      [
        "a value that is no number",
        () => ({
          status: 200,
          body: { status: "success", data: { resultType: "vector", result: [{ metric: { track: "canary" }, value: [1, "lots"] }] } },
        }),
        /has the value "lots", not a number/,
      ],
      [
        "series without a track",
        () => vector({ canary: 1500 }, { track: "" }),
        /has a series with track ""; expected "stable" or "canary"/,
      ],
      [
        "Prometheus refusing the query",
        () => ({ status: 400, body: { status: "error", errorType: "bad_data", error: 'invalid parameter "query"' } }),
        /Prometheus refused .*: bad_data: invalid parameter "query"/,
      ],
      ["a gateway error", () => ({ status: 502, body: { message: "upstream unavailable" } }), /answered 502 Bad Gateway/],
      ["no answer in time", () => "hang", /no answer within 0\.5 s/],
    ];
    for (const [name, script, why] of answers) {
      const server = await prometheus(script);
      const res = await release(dir, "catalog", "--advance", "--prometheus", server.url, "--timeout", "0.5");
      assert.equal(res.code, 1, `${name}: ${res.stdout}${res.stderr}`);
      assert.match(res.stdout, why, name);
      assert.equal(fs.readFileSync(file, "utf8"), text, `${name}: the file is unchanged`);
    }
  });

  it("--dry-run prints the decision and writes nothing", async () => {
    const { dir, file, text } = prodCopy(catalogSteps());
    const server = await prometheus(tracks({ catalog: HEALTHY }));
    const res = await release(dir, "catalog", "--advance", "--prometheus", server.url, "--dry-run");
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /catalog: advance canary 10% → canary 25%/);
    assert.match(res.stdout, /dry run: Pulumi\.prod\.yaml is unchanged \(it would change catalog\)/);
    assert.equal(fs.readFileSync(file, "utf8"), text);
  });
});

describe("release --advance: latency", () => {
  const withLatency = (text: string) =>
    catalogSteps(
      10,
      "minRequests: 100, maxErrorPercent: 1, maxLatencyMs: 300",
    )(
      replace(
        "      route: { host: api.acme.example.com, path: /catalog }\n",
        "      route: { host: api.acme.example.com, path: /catalog }\n      metrics: { latencyMetric: http_request_duration_seconds }\n",
      )(text),
    );

  it("advances within the threshold, rolls back above it, and cannot judge without a latency", async () => {
    const healthy = prodCopy(withLatency);
    const server = await prometheus(tracks({ catalog: HEALTHY }));
    const ok = await release(healthy.dir, "catalog", "--advance", "--prometheus", server.url);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(
      ok.stdout,
      /canary 1520 requests in 10m, 0\.2% 5xx \(max 1%\), p99 210 ms \(max 300 ms\); stable 13680 requests, 0\.09% 5xx, p99 190 ms/,
    );
    const latency = server.queries.find((q) => q.startsWith("histogram_quantile"));
    assert.equal(
      latency,
      'histogram_quantile(0.99, sum by (track, le) (rate(http_request_duration_seconds_bucket{namespace="apps", service=~"catalog|catalog-canary"}[10m])))',
    );
    assert.deepEqual(promqlProblems(latency!), []);

    const slow = prodCopy(withLatency);
    const slowServer = await prometheus(tracks({ catalog: { ...HEALTHY, canary: { requests: 1520, errors: 3, latencySeconds: 0.75 } } }));
    const back = await release(slow.dir, "catalog", "--advance", "--prometheus", slowServer.url);
    assert.equal(back.code, 4, back.stderr);
    assert.match(back.stdout, /roll back canary 10% → canary 0%, p99 750 ms above the 300 ms maximum/);
    assert.match(fs.readFileSync(slow.file, "utf8"), /weight: 0, steps/);

    const blind = prodCopy(withLatency);
    const blindServer = await prometheus(tracks({ catalog: { ...HEALTHY, canary: { requests: 1520, errors: 3, latencySeconds: NaN } } }));
    const unjudged = await release(blind.dir, "catalog", "--advance", "--prometheus", blindServer.url);
    assert.equal(unjudged.code, 1, unjudged.stderr);
    assert.match(
      unjudged.stdout,
      /cannot judge canary 10%: the canary served requests but no p99 latency is measured \(check metrics\.latencyMetric\)/,
    );
    assert.equal(fs.readFileSync(blind.file, "utf8"), blind.text);
  });
});

describe("release --advance: promotion, approval and legacy migrations", () => {
  it("stops before the promotion in prod (approval manual by default) until --approve, then promotes in the helper's three steps", async () => {
    const { dir, file, text } = prodCopy(catalogSteps(50));
    const server = await prometheus(tracks({ catalog: HEALTHY }));
    const waiting = await release(dir, "catalog", "--advance", "--prometheus", server.url);
    assert.equal(waiting.code, 5, waiting.stderr);
    assert.match(
      waiting.stdout,
      /^catalog: awaiting approval for canary 50% → canary 100% \(promotion step 1 of 3\) \(within every threshold; run with --approve once approved\): canary 1520/m,
    );
    assert.equal(fs.readFileSync(file, "utf8"), text);

    const approved = await release(dir, "catalog", "--advance", "--approve", "--prometheus", server.url);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(fs.readFileSync(file, "utf8"), /canary: \{ version: "2\.15\.0", weight: 100, steps/);
    // An approval given again (a second approval job) takes no other step.
    const late = await release(dir, "catalog", "--advance", "--approve", "--prometheus", server.url);
    assert.equal(late.code, 3, late.stderr);
    assert.match(
      late.stdout,
      /^catalog: nothing awaits approval \(its next step, canary 100% \(promotion step 1 of 3\) → promotion step 2 of 3 \(the stable track takes 2\.15\.0 over\), needs none\): nothing judged, nothing changed$/m,
    );

    const handover = await release(dir, "catalog", "--advance", "--prometheus", server.url);
    assert.equal(handover.code, 0, handover.stderr);
    assert.match(
      handover.stdout,
      /advance canary 100% \(promotion step 1 of 3\) → promotion step 2 of 3 \(the stable track takes 2\.15\.0 over\)/,
    );
    const afterHandover = fs.readFileSync(file, "utf8");
    assert.match(afterHandover, /- name: catalog\n {6}version: "2\.15\.0"/);
    assert.match(afterHandover, /canary: \{ version: "2\.15\.0", weight: 0, steps/);

    // The handover is judged on the stable track, which now runs the new version.
    const stableOnly = await prometheus(tracks({ catalog: { stable: { requests: 15000, errors: 20 } } }));
    const done = await release(dir, "catalog", "--advance", "--prometheus", stableOnly.url);
    assert.equal(done.code, 0, done.stderr);
    assert.match(
      done.stdout,
      /advance promotion step 2 of 3 \(stable 2\.15\.0\) → promotion step 3 of 3 \(the canary goes\): stable 15000 requests in 10m/,
    );
    assert.doesNotMatch(fs.readFileSync(file, "utf8"), /2\.14\.0|catalog-canary|steps: \[10, 25/);
  });

  it("a breach during the handover is reported, and left to a person: the stable track already runs the new version", async () => {
    const { dir, file, text } = prodCopy((t) => replace('      version: "2.14.0"', '      version: "2.15.0"')(catalogSteps(0)(t)));
    const server = await prometheus(tracks({ catalog: { stable: { requests: 15000, errors: 3000 } } }));
    const res = await release(dir, "catalog", "--advance", "--prometheus", server.url);
    assert.equal(res.code, 4, res.stderr);
    assert.match(
      res.stdout,
      /roll back promotion step 2 of 3 \(stable 2\.15\.0\) → the previous version, by hand: the stable track already runs 2\.15\.0; set version back/,
    );
    assert.equal(fs.readFileSync(file, "utf8"), text);
  });

  it("moves payments off its VMs step by step on the Kubernetes build's metrics, back one step on a breach", async () => {
    const steps = replace(
      "        weight: 50\n        header: { name: x-acme-canary, valueSecret: testersToken }\n",
      "        weight: 50\n        header: { name: x-acme-canary, valueSecret: testersToken }\n        steps: [90, 50, 10, 0]\n        analysis: { minRequests: 200, maxErrorPercent: 0.5 }\n",
    );
    const good = prodCopy(steps);
    const healthy = await prometheus(tracks({ payments: { stable: { requests: 5000, errors: 5 } } }));
    const res = await release(good.dir, "payments", "--advance", "--prometheus", healthy.url);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^payments: advance legacy 50% → legacy 10%: stable 5000 requests in 10m, 0\.1% 5xx \(max 0\.5%\)$/m);
    assert.deepEqual(changedLines(good.text, fs.readFileSync(good.file, "utf8")), [["weight: 50", "weight: 10"]]);
    assert.ok(
      healthy.queries.every((q) => q.includes("http_server_requests_seconds_count{") && !q.includes("code=")),
      "Spring Boot's counter and status label",
    );
    assert.ok(healthy.queries.some((q) => q.includes('status=~"5.."')));

    // The last share leaves the VMs only with a person's approval in prod.
    const last = await release(good.dir, "payments", "--advance", "--prometheus", healthy.url);
    assert.equal(last.code, 5, last.stderr);
    assert.match(last.stdout, /awaiting approval for legacy 10% → legacy 0%/);

    const bad = prodCopy(steps);
    const failing = await prometheus(tracks({ payments: { stable: { requests: 5000, errors: 400 } } }));
    const back = await release(bad.dir, "payments", "--advance", "--prometheus", failing.url);
    assert.equal(back.code, 4, back.stderr);
    assert.match(back.stdout, /roll back legacy 50% → legacy 90%, 5xx 8% above the 0\.5% maximum/);
    assert.deepEqual(changedLines(bad.text, fs.readFileSync(bad.file, "utf8")), [["weight: 50", "weight: 90"]]);
  });
});

describe("release --advance --all", () => {
  const both = (text: string) =>
    replace(
      "        weight: 50\n        header: { name: x-acme-canary, valueSecret: testersToken }\n",
      "        weight: 50\n        header: { name: x-acme-canary, valueSecret: testersToken }\n        steps: [90, 50, 10, 0]\n",
    )(catalogSteps()(text)); // payments is judged by prod's release.analysis

  it("judges every service with steps on its own, writes every step taken in one write, and exits with the most urgent status", async () => {
    const { dir, file, text } = prodCopy(both);
    const server = await prometheus(tracks({ catalog: HEALTHY, payments: { stable: { requests: 5000, errors: 900 } } }));
    const res = await release(dir, "--all", "--advance", "--prometheus", server.url);
    assert.equal(res.code, 4, "a rollback outranks an advance");
    const lines = res.stdout.trim().split("\n");
    assert.match(lines[0]!, /^catalog: advance canary 10% → canary 25%/);
    assert.match(lines[1]!, /^payments: roll back legacy 50% → legacy 90%, 5xx 18% above the 1% maximum/);
    assert.match(lines[2]!, /^updated Pulumi\.prod\.yaml \(catalog, payments\)/);
    assert.equal(lines.length, 3, "only services with steps are judged");
    assert.deepEqual(changedLines(text, fs.readFileSync(file, "utf8")), [
      [
        'canary: { version: "2.15.0", weight: 10, steps: [10, 25, 50, 100], analysis: { minRequests: 100, maxErrorPercent: 1 } }',
        'canary: { version: "2.15.0", weight: 25, steps: [10, 25, 50, 100], analysis: { minRequests: 100, maxErrorPercent: 1 } }',
      ],
      ["weight: 50", "weight: 90"],
    ]);
  });

  it("a step the file refuses is reported, and the others still land", async () => {
    const oneLine = replace(
      '    - name: catalog\n      version: "2.14.0"\n      resources: { cpu: 500m, memory: 768Mi }\n      replicas: { min: 3, max: 10 }\n      route: { host: api.acme.example.com, path: /catalog }\n      canary: { version: "2.15.0", weight: 10, steps: [10, 25, 50, 100] }\n',
      '    - { name: catalog, version: "2.14.0", resources: { cpu: 500m, memory: 768Mi }, replicas: { min: 3, max: 10 }, route: { host: api.acme.example.com, path: /catalog }, canary: { version: "2.15.0", weight: 10, steps: [10, 25, 50, 100] } }\n',
    );
    const { dir, file, text } = prodCopy((t) => both(oneLine(t)));
    const server = await prometheus(tracks({ catalog: HEALTHY, payments: { stable: { requests: 5000, errors: 900 } } }));
    const res = await release(dir, "--all", "--advance", "--prometheus", server.url);
    assert.equal(res.code, 2, res.stdout);
    assert.match(res.stdout, /^catalog: advance canary 10% → canary 25%/m);
    assert.match(res.stderr, /^catalog: refused, its step is not written: 'catalog' is written on one line/m);
    assert.match(res.stdout, /^updated Pulumi\.prod\.yaml \(payments\)/m);
    assert.deepEqual(changedLines(text, fs.readFileSync(file, "utf8")), [["weight: 50", "weight: 90"]], "the rollback landed");
  });

  it("one service that cannot be judged does not stop the others", async () => {
    const { dir, file } = prodCopy(both);
    const server = await prometheus((q) =>
      q.includes('service=~"payments|') ? { status: 503, body: "Service Unavailable" } : tracks({ catalog: HEALTHY })(q),
    );
    const res = await release(dir, "--all", "--advance", "--prometheus", server.url);
    assert.equal(res.code, 1, res.stdout);
    assert.match(
      res.stdout,
      /^payments: cannot judge legacy 50%, nothing changed: Prometheus at .* answered 503 with something that is not JSON/m,
    );
    assert.match(fs.readFileSync(file, "utf8"), /weight: 25, steps/);
    assert.match(fs.readFileSync(file, "utf8"), /weight: 50\n/);
  });
});

describe("release --advance: bad input, nothing judged or written", () => {
  it("refuses unclear commands and services without steps", async () => {
    const { dir, file, text } = prodCopy(catalogSteps());
    const server = await prometheus(tracks({ catalog: HEALTHY }));
    const cases: Array<[string[], RegExp]> = [
      [["catalog", "--advance"], /--advance needs --prometheus URL/],
      [["catalog", "--advance", "--prometheus", "prometheus:9090"], /is not an http or https URL/],
      [["--all", "--advance", "--approve", "--prometheus", server.url], /--approve names one service/],
      [["catalog", "--advance", "--weight", "25", "--prometheus", server.url], /does not go with --weight/],
      [["orders", "--advance", "--prometheus", server.url], /'orders' declares no release steps/],
      [["basket", "--advance", "--prometheus", server.url], /there is no service 'basket' in prod/],
      [["catalog", "--advance", "--prometheus", server.url, "--timeout", "0"], /--timeout 0 is not a number of seconds/],
    ];
    for (const [args, why] of cases) {
      const res = await release(dir, ...args);
      assert.equal(res.code, 2, `${args.join(" ")}: ${res.stdout}${res.stderr}`);
      assert.match(res.stderr, why);
    }
    assert.equal(server.queries.length, 0, "nothing was asked");
    assert.equal(fs.readFileSync(file, "utf8"), text);
  });

  it("refuses a stack file whose steps are invalid, before asking anything", async () => {
    const { dir } = prodCopy(catalogSteps(30));
    const server = await prometheus(tracks({ catalog: HEALTHY }));
    const res = await release(dir, "catalog", "--advance", "--prometheus", server.url);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /services\[1\]\.canary\.weight: 30 is not one of the steps \[10,25,50,100\]/);
    assert.equal(server.queries.length, 0);
  });
});

describe("release --advance: a file that cannot be written", () => {
  it("says so in one line, leaves the file as it was, and exits 1 (or 4: a rollback decided but not applied)", async () => {
    const { dir, file, text } = prodCopy(catalogSteps());
    const out: string[] = [];
    const err: string[] = [];
    const run = async (script: Script) =>
      advance({
        projectDir: dir,
        stack: "prod",
        service: "catalog",
        prometheus: (await prometheus(script)).url,
        dryRun: false,
        approve: false,
        timeoutMs: 2000,
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        write: () => {
          throw new Error("EROFS: read-only file system");
        },
      });
    assert.equal(await run(tracks({ catalog: HEALTHY })), 1);
    assert.deepEqual(err, ["cannot write Pulumi.prod.yaml (catalog not changed): EROFS: read-only file system"]);
    assert.equal(await run(tracks({ catalog: { ...HEALTHY, canary: { requests: 1500, errors: 300 } } })), 4);
    assert.equal(fs.readFileSync(file, "utf8"), text);
    assert.equal(out.filter((l) => l.startsWith("updated")).length, 0);
  });
});
