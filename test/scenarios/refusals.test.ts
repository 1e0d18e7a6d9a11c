/**
 * The mistakes a user makes in a stack file that a plan would otherwise take for something else: each
 * is written into a stack file of every kind of environment and read as the program reads it (the
 * values as the Pulumi CLI hands them over, and the file's text), and must be refused with its key,
 * the value given and what is accepted.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import YAML from "yaml";
import { REPO, planInProcess } from "../planRunner";
import { ConfigError, type EnvironmentKind, parseEnvironmentConfig, rawStackConfig } from "../../stacks/config";

/** The smallest valid stack file of each kind: config keys indented by two spaces. */
const BASES: Record<EnvironmentKind, string> = {
  local: "  ack-platform:kind: local\n",
  dev: [
    "  ack-platform:kind: dev",
    "  ack-platform:region: cn-hangzhou",
    "  ack-platform:zones: [cn-hangzhou-h, cn-hangzhou-i]",
    "  ack-platform:registry: { mode: existing, endpoint: acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com, namespace: acme }",
    "",
  ].join("\n"),
  staging: [
    "  ack-platform:kind: staging",
    "  ack-platform:region: cn-hangzhou",
    "  ack-platform:zones: [cn-hangzhou-h, cn-hangzhou-i]",
    "  ack-platform:registry: { mode: managed, instanceName: acme-staging, namespace: acme }",
    "  ack-platform:gateway: { tls: { email: ops@acme.example.com, hosts: [api.acme.example.com] } }",
    "",
  ].join("\n"),
  prod: [
    "  ack-platform:kind: prod",
    "  ack-platform:region: cn-hangzhou",
    "  ack-platform:zones: [cn-hangzhou-h, cn-hangzhou-i]",
    "  ack-platform:registry: { mode: managed, instanceName: acme-prod, namespace: acme }",
    "  ack-platform:gateway: { tls: { email: ops@acme.example.com, hosts: [api.acme.example.com] } }",
    "",
  ].join("\n"),
};

const KINDS = Object.keys(BASES) as EnvironmentKind[];

/**
 * The problems of a stack file as the program sees it: each top-level value as the CLI passes it (a
 * string, or JSON for structured values), the file's text beside them. Empty when it is accepted.
 */
function problemsOf(text: string): string[] {
  const config = (YAML.parse(text) as { config: Record<string, unknown> }).config;
  const values = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  const raw = rawStackConfig("ack-platform", "mistakes", values, () => false, { file: "Pulumi.mistakes.yaml", text });
  try {
    parseEnvironmentConfig(raw);
  } catch (err) {
    assert.ok(ConfigError.isInstance(err), `a config error, not ${String(err)}`);
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

const stackFile = (kind: EnvironmentKind, lines: string) => `config:\n${BASES[kind]}${lines}`;

/** One service of the kind's registry, with extra lines (indented by six spaces) and a name. */
const service = (name: string, extra: string[] = [], version = '"1.4.2"') =>
  [
    `    - name: ${name}`,
    `      version: ${version}`,
    "      resources: { cpu: 250m, memory: 512Mi }",
    ...extra.map((l) => `      ${l}`),
  ].join("\n");
const services = (...list: string[]) => `  ack-platform:services:\n${list.join("\n")}\n`;

interface Mistake {
  readonly what: string;
  readonly lines: string;
  /** Each expected problem: its key path, and what its message must say. */
  readonly expected: ReadonlyArray<readonly [string, RegExp]>;
  /** The kinds it applies to (every kind when unset). */
  readonly kinds?: readonly EnvironmentKind[];
}

const MISTAKES: readonly Mistake[] = [
  {
    what: "version: 1.10, which YAML reads as 1.1",
    lines: services(service("orders", [], "1.10")),
    expected: [["services[0].version", /^1\.10 is read as the number 1\.1 by the Pulumi CLI \(go-yaml v3\); quote it \('1\.10'\)/]],
  },
  {
    what: "a version written as a number that reads back as written",
    lines: services(service("orders", [], "2")),
    expected: [["services[0].version", /^2 is a number, not a version tag: .*quote the version as written, such as '2'/]],
  },
  {
    what: "on and yes, which YAML 1.1 readers take for booleans",
    lines: services(service("orders", ["env: { FEATURE_X: on, LEGACY: yes }"])),
    expected: [
      [
        "services[0].env.FEATURE_X",
        /^on is read as true by YAML 1\.1 readers and as the text 'on' by the Pulumi CLI .*; quote it \('on'\)/,
      ],
      ["services[0].env.LEGACY", /^yes is read as true by YAML 1\.1 readers .*; quote it \('yes'\)/],
    ],
  },
  {
    what: "a leading zero, which makes a number octal",
    lines: services(service("orders", ["env: { BRANCH_CODE: 0755 }"])),
    expected: [
      [
        "services[0].env.BRANCH_CODE",
        /^0755 is read as the number 493 by the Pulumi CLI \(go-yaml v3\) \(a leading 0 makes it octal\).*quote it \('0755'\)/,
      ],
    ],
  },
  {
    what: "a typo in this project's namespace",
    lines: `  ack-platfrom:services:\n${service("orders")}\n`,
    expected: [
      [
        "ack-platfrom:services",
        /^is not a key of this project \('ack-platform'\) .*so nothing would read it; did you mean 'ack-platform:services'\?/,
      ],
    ],
  },
  {
    what: "a namespace that is neither this project's nor a provider's",
    lines: "  acme:owner: platform-team\n",
    expected: [["acme:owner", /^is not a key of this project \('ack-platform'\) nor of a provider it configures \(alicloud, kubernetes/]],
  },
  {
    what: "a tag inside image",
    lines: services(service("cart", ["image: acme/cart:latest"])),
    expected: [
      ["services[0].image", /^'acme\/cart:latest' has the tag 'latest' in it, .*write image 'acme\/cart' and put 'latest' in version/],
    ],
  },
  {
    what: "a service named like another service's canary objects",
    lines: services(service("catalog", ['canary: { version: "1.5.0", weight: 10 }']), service("catalog-canary")),
    expected: [
      ["services[1].name", /^'catalog-canary' collides with services\[0\] \('catalog'\): both would declare .*; choose another name/],
    ],
  },
  {
    what: "a service in a platform namespace",
    lines: services(service("orders", ["namespace: monitoring"])),
    expected: [["services[0].namespace", /^'monitoring' is Prometheus' and Grafana's namespace \(monitoring\.namespace\)/]],
  },
  {
    what: "the workloads in a platform namespace",
    lines: "  ack-platform:workloads: { namespace: logging }\n",
    expected: [["workloads.namespace", /^'logging' is Elasticsearch and Kibana's namespace \(logging\.namespace\)/]],
  },
  {
    what: "a host claimed by a service and by Kibana",
    lines:
      "  ack-platform:logging: { kibana: { host: ops.acme.example.com } }\n" +
      services(service("orders", ["route: { host: ops.acme.example.com }"])),
    expected: [["services[0].route.host", /^'ops\.acme\.example\.com' is logging\.kibana\.host, where Kibana is routed/]],
  },
  {
    what: "one host for Kibana and Grafana",
    lines:
      "  ack-platform:logging: { kibana: { host: ops.acme.example.com } }\n" +
      "  ack-platform:monitoring: { grafana: { host: ops.acme.example.com } }\n",
    expected: [["monitoring.grafana.host", /^'ops\.acme\.example\.com' is also logging\.kibana\.host/]],
  },
  {
    what: "an instance type that does not exist",
    kinds: ["dev", "staging", "prod"],
    lines: "  ack-platform:cluster: { nodePools: [{ name: general, instanceTypes: [ecs.g7.xlarg], min: 2, max: 4 }] }\n",
    expected: [["cluster.nodePools[0].instanceTypes[0]", /^'ecs\.g7\.xlarg' .*did you mean 'ecs\.g7\.xlarge'\?/]],
  },
  {
    what: "a password in plain env",
    lines: services(service("orders", ["env: { DB_PASSWORD: hunter2hunter2 }"])),
    expected: [
      [
        "services[0].env.DB_PASSWORD",
        /^holds a value in clear \(14 characters, not shown here\), and its name says it is a secret \(PASSWORD\).*secretEnv/,
      ],
    ],
  },
  {
    what: "a password in plain env of a service that another mistake refuses",
    lines: services(service("orders", ["env: { DB_PASSWORD: hunter2hunter2 }"], "1.10")),
    expected: [
      ["services[0].version", /^1\.10 is read as the number 1\.1/],
      ["services[0].env.DB_PASSWORD", /^holds a value in clear \(14 characters, not shown here\)/],
    ],
  },
  {
    what: "a credential in plain env under a name that does not say so",
    lines: services(service("orders", ["env: { DATABASE: postgres://orders:s3cret@db:5432/orders }"])),
    expected: [
      ["services[0].env.DATABASE", /its value is a URL with a password in it.*services\[0\]\.secretEnv\.DATABASE: ordersDatabase/],
    ],
  },
];

describe("refusals: each mistake is a config error naming its key, in every kind of environment", () => {
  for (const kind of KINDS) {
    it(`accepts the ${kind} stack file the mistakes are written into`, () => {
      assert.deepEqual(problemsOf(stackFile(kind, services(service("orders")))), []);
    });
  }
  for (const mistake of MISTAKES) {
    for (const kind of mistake.kinds ?? KINDS) {
      it(`refuses ${mistake.what} (${kind})`, () => {
        const problems = problemsOf(stackFile(kind, mistake.lines));
        for (const [key, message] of mistake.expected) {
          const at = problems.filter((p) => p.startsWith(`${key}: `));
          assert.equal(at.length, 1, `one problem at ${key}, in:\n${problems.join("\n")}`);
          assert.match(at[0]!.slice(key.length + 2), message);
        }
        assert.ok(
          problems.every((p) => !/\n\s+at /.test(p)),
          "no stack trace",
        );
      });
    }
  }
});

describe("refusals: the plan exits 2 with every mistake of a stack file listed, nothing declared", () => {
  const allAtOnce = (kind: EnvironmentKind) =>
    stackFile(
      kind,
      [
        `  ack-platfrom:services:\n${service("orders")}\n`,
        "  ack-platform:logging: { kibana: { host: ops.acme.example.com } }\n",
        "  ack-platform:monitoring: { grafana: { host: ops.acme.example.com } }\n",
        kind === "local"
          ? ""
          : "  ack-platform:cluster: { nodePools: [{ name: general, instanceTypes: [ecs.g7.xlarg], min: 2, max: 4 }] }\n",
        services(
          service("orders", [], "1.10"),
          service("cart", ["image: acme/cart:latest"]),
          service("catalog", ['canary: { version: "1.5.0", weight: 10 }']),
          service("catalog-canary"),
          service("search", ["namespace: monitoring"]),
          service("admin", ["route: { host: ops.acme.example.com }"]),
          service("users", ["env: { DB_PASSWORD: hunter2hunter2, FEATURE_X: on, BRANCH_CODE: 0755 }"]),
        ),
      ].join(""),
    );
  const keys = (kind: EnvironmentKind) => [
    "ack-platfrom:services",
    ...(kind === "local" ? [] : ["cluster.nodePools[0].instanceTypes[0]"]),
    "monitoring.grafana.host",
    "services[0].version",
    "services[1].image",
    "services[3].name",
    "services[4].namespace",
    "services[5].route.host",
    "services[6].env.DB_PASSWORD",
    "services[6].env.FEATURE_X",
    "services[6].env.BRANCH_CODE",
  ];
  for (const kind of KINDS) {
    it(`in ${kind}`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `refusals-${kind}-`));
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ack-platform\nruntime: nodejs\nmain: ${path.join(REPO, "stacks")}\n`);
      fs.writeFileSync(path.join(dir, "Pulumi.mistakes.yaml"), allAtOnce(kind));
      const res = await planInProcess(["--project", dir, "mistakes"]);
      assert.equal(res.status, 2, res.stdout + res.stderr);
      const lines = res.stderr.trim().split("\n");
      assert.match(lines[0]!, /^stack 'mistakes' has \d+ config problems; nothing was declared:$/);
      const named = lines.slice(1).map((l) => l.trim().split(": ")[0]);
      for (const key of keys(kind)) assert.ok(named.includes(key), `${key} is not named in:\n${res.stderr}`);
      assert.doesNotMatch(res.stderr, /\n\s+at |urn:pulumi/, "no stack trace, no URN");
      assert.ok(!fs.existsSync(path.join(res.outDir, "plan.json")), "nothing is written");
    });
  }
});
