/**
 * docs/gray-release.md restates what a Microservice declares (its objects and their names) and its
 * API (args with defaults, outputs, options). The objects are checked by rendering services that use
 * every option, the API against the source.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { MicroserviceArgs } from "../../components/workload/args";
import { Microservice } from "../../components/workload/microservice";
import { EXIT_BAD_INPUT, EXIT_CODES } from "../../tools/release/decision";
import { render, testProvider } from "../harness";
import { copyOfProject } from "../planRunner";
import { type FakePrometheus, startFakePrometheus, type TrackScript, tracks } from "../tools/release/fakePrometheus";
import { releaseInProcess } from "../tools/release/inProcess";
import { assertApiTables } from "./apiTables";
import { codeSpans, readPage, tables } from "./markdown";

const PAGE = "docs/gray-release.md";

const BASE: MicroserviceArgs = {
  namespace: "apps",
  image: "registry.example.com/acme/orders:1.4.2",
  version: "1.4.2",
  resources: { cpu: "250m", memory: "512Mi" },
  replicas: { min: 2, max: 6 },
  autoscaling: { night: { min: 1, from: "23:30", to: "07:00" } },
  env: { LOG_LEVEL: "info" },
  secretEnv: { DB_PASSWORD: pulumi.secret("hunter2") },
  monitoring: {},
};
const GATEWAY = { router: "gateway-api", gatewayName: "platform", gatewayNamespace: "gateway-system" } as const;
const ALB = { router: "alb", ingressClassName: "alb" } as const;
const CANARY = { version: "1.5.0", weight: 10, header: { name: "x-canary", value: "testers" } };
const LEGACY = { endpoints: ["10.0.1.15:8080"], weight: 10 };
const TESTERS = { name: "x-canary", value: pulumi.secret("3f9c2a7e41b8d6052c1e9a8f7b3d4c6e"), clientCidrs: ["203.0.113.0/24"] };
const NETWORK = {
  gateway: { namespace: "gateway-system", podLabels: { "app.kubernetes.io/component": "proxy" } },
  prometheus: { namespace: "monitoring", podLabels: { "app.kubernetes.io/name": "prometheus" } },
};

/** Services that between them use every option: each router, with a canary and with legacy backends. */
const VARIANTS: MicroserviceArgs[] = [
  {
    ...BASE,
    route: { host: "api.example.com", attachment: GATEWAY },
    canary: { ...CANARY, header: TESTERS },
    legacy: { ...LEGACY, header: TESTERS },
    network: NETWORK,
  },
  { ...BASE, route: { host: "api.example.com", attachment: ALB }, canary: CANARY },
  { ...BASE, route: { host: "api.example.com", attachment: ALB }, legacy: LEGACY },
  // The other forms: a push gateway on TCP through the gateway and through a load balancer of its own,
  // a stateful service with a disk per replica, a worker.
  {
    ...BASE,
    ports: [
      {
        name: "push",
        port: 9000,
        protocol: "tcp",
        expose: { via: "gateway", gatewayName: "platform", gatewayNamespace: "gateway-system", listener: "tcp-9000" },
      },
      { name: "direct", port: 9001, protocol: "tcp", expose: { via: "load-balancer" } },
      { name: "http", port: 8080, protocol: "http" },
    ],
    network: NETWORK,
  },
  {
    ...BASE,
    type: "stateful",
    replicas: { min: 3 },
    autoscaling: {},
    disks: [{ name: "data", size: "20Gi", mountPath: "/var/lib/data", storageClass: "alicloud-disk-topology-alltype" }],
  },
  {
    ...BASE,
    type: "worker",
    health: { unprobed: "exits when its queue connection drops" },
    monitoring: undefined,
    autoscaling: undefined,
  },
];

/** `<service>-legacy-<port>` as a pattern: `<service>` is the service's name, any other `<...>` anything. */
function pattern(name: string, service: string): RegExp {
  const parts = name
    .split(/(<[^>]+>)/)
    .map((p) => (p === "<service>" ? service : p.startsWith("<") ? "[^/]+" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  return new RegExp(`^${parts.join("")}$`);
}

describe(PAGE, () => {
  const page = readPage(PAGE);

  it("lists every object a Microservice declares, by kind and name, and no other", async () => {
    const table = tables(page).find((t) => t.header[0] === "objects" && t.header[1] === "names");
    assert.ok(table, "the table of objects");
    const rows = table.rows.map((r) => ({ kinds: codeSpans(r[0] ?? ""), names: codeSpans(r[1] ?? "").map((n) => pattern(n, "orders")) }));
    const declared = new Set<string>();
    for (const args of VARIANTS) {
      const out = await render(() => new Microservice("orders", args, { provider: testProvider() }));
      for (const o of out.objects()) declared.add(`${o["kind"]}/${o["metadata"].name}`);
    }
    const objects = [...declared].map((d) => d.split("/") as [string, string]);
    const problems: string[] = [];
    for (const [kind, name] of objects) {
      if (!rows.some((r) => r.kinds.includes(kind) && r.names.some((p) => p.test(name))))
        problems.push(`${kind} ${name} is declared but not listed`);
    }
    for (const r of rows) {
      for (const kind of r.kinds) {
        if (!objects.some(([k, n]) => k === kind && r.names.some((p) => p.test(n))))
          problems.push(`no ${kind} is declared with a name like ${r.names.join(", ")}`);
      }
      for (const p of r.names) {
        if (!objects.some(([k, n]) => r.kinds.includes(k) && p.test(n)))
          problems.push(`no ${r.kinds.join(" or ")} is declared with a name like ${p}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("lists the args with the defaults the source documents, the outputs and the options", () => {
    assertApiTables(PAGE, [
      { heading: "Microservice from another program", kind: "arg", file: "components/workload/args.ts", declaration: "MicroserviceArgs" },
      {
        heading: "Microservice from another program",
        kind: "output",
        file: "components/workload/microservice.ts",
        declaration: "Microservice",
      },
      {
        heading: "Microservice from another program",
        kind: "option",
        file: "components/workload/microservice.ts",
        declaration: "MicroserviceOptions",
      },
    ]);
  });
});

describe(`${PAGE}: the release autopilot`, () => {
  const page = readPage(PAGE);
  const section = page.slice(page.indexOf("## The release autopilot"), page.indexOf("## The network of a service"));
  const servers: FakePrometheus[] = [];
  after(() => Promise.all(servers.map((s) => s.close())));

  it("gives each decision the exit status the command returns", () => {
    const table = tables(section).find((t) => t.header[0] === "exit" && t.header[1] === "decision");
    assert.ok(table, "the table of exit statuses");
    const said = new Map(table.rows.map((r) => [Number(r[0]), /\*\*([a-z ]+)\*\*/.exec(r[1] ?? "")?.[1]]));
    const expected = new Map<number, string | undefined>([
      [EXIT_CODES.advance, "advance"],
      [EXIT_CODES.hold, "hold"],
      [EXIT_CODES.rollback, "roll back"],
      [EXIT_CODES.approval, "awaiting approval"],
      [EXIT_CODES.inconclusive, undefined],
      [EXIT_BAD_INPUT, undefined],
    ]);
    assert.deepEqual([...said.entries()].sort(), [...expected.entries()].sort());
  });

  it("prints, in the walk-through, what the command prints for prod's catalog", async () => {
    const walkthrough = section.slice(section.indexOf("### A release done by the autopilot"));
    const documented = walkthrough.split("\n").filter((l) => l.startsWith("catalog: "));
    const dir = copyOfProject("prod");
    let numbers: Partial<Record<"stable" | "canary", TrackScript>> = {};
    const server = await startFakePrometheus((q) => tracks({ catalog: numbers })(q));
    servers.push(server);
    // The command line as the page shows it, run through the command's main in this process (the
    // command as a process is tested in test/tools/release.test.ts); its stdout is what is compared.
    const run = async (...args: string[]) =>
      (await releaseInProcess(["prod", ...args, "--prometheus", server.url, "--project", dir])).stdout;
    const printed: string[] = [];
    const runs: Array<[Partial<Record<"stable" | "canary", TrackScript>>, string[]]> = [
      [{ canary: { requests: 1432, errors: 2 }, stable: { requests: 12877, errors: 9 } }, ["--all"]],
      [{ canary: { requests: 163, errors: 0 }, stable: { requests: 489, errors: 1 } }, ["--all"]],
      [{ canary: { requests: 3544, errors: 5 }, stable: { requests: 10630, errors: 8 } }, ["--all"]],
      [{ canary: { requests: 7052, errors: 6 }, stable: { requests: 7114, errors: 7 } }, ["--all"]],
      [{ canary: { requests: 7052, errors: 6 }, stable: { requests: 7114, errors: 7 } }, ["catalog", "--approve"]],
      [{ canary: { requests: 14210, errors: 12 }, stable: { requests: 0 } }, ["--all"]],
      [{ stable: { requests: 14020, errors: 11 } }, ["--all"]],
    ];
    for (const [scripted, args] of runs) {
      numbers = scripted;
      printed.push(...(await run(...args, "--advance")).split("\n").filter((l) => l.startsWith("catalog: ")));
    }
    assert.doesNotMatch(fs.readFileSync(path.join(dir, "Pulumi.prod.yaml"), "utf8"), /2\.14\.0/, "promoted");
    // The failure told at the end: the same release at 25%.
    const failing = copyOfProject("prod");
    const file = path.join(failing, "Pulumi.prod.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("weight: 10, steps", "weight: 25, steps"));
    numbers = { canary: { requests: 2210, errors: 71 }, stable: { requests: 11890, errors: 11 } };
    const rollback = (await releaseInProcess(["prod", "--all", "--advance", "--prometheus", server.url, "--project", failing])).stdout;
    printed.push(...rollback.split("\n").filter((l) => l.startsWith("catalog: ")));
    assert.deepEqual(documented, printed);
  });
});
