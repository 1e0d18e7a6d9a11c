import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import Ajv, { type ErrorObject } from "ajv";
import fc from "fast-check";
import YAML from "yaml";
import { z } from "zod";
import { intBetween, type JsonSchema, memory, section } from "../../../stacks/config/common";
import {
  type DeclaredSchema,
  jsonSchemaOf,
  projectName,
  REPO,
  renderStackSchema,
  SCHEMA_FILE,
  stackFileSchema,
} from "../../../tools/schema/generate";

const ajv = new Ajv({
  allErrors: true,
  // Unknown keywords and bad patterns are errors; `required` and type keywords in if/then branches are meant.
  strict: true,
  strictRequired: false,
  strictTypes: false,
  allowUnionTypes: true,
});
const committed = JSON.parse(fs.readFileSync(path.join(REPO, SCHEMA_FILE), "utf8")) as JsonSchema;
const validate = ajv.compile(committed);

function errorsOf(doc: unknown): ErrorObject[] {
  return validate(doc) ? [] : [...(validate.errors ?? [])];
}

/** The paths (instance path, and the property a `required` or `additionalProperties` error names) of the errors. */
function errorPaths(doc: unknown): string[] {
  return errorsOf(doc).map((e) => {
    const extra =
      (e.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ??
      (e.params as { additionalProperty?: string }).additionalProperty;
    return extra === undefined ? e.instancePath : `${e.instancePath}/${extra}`;
  });
}

const MODELINE = /^# yaml-language-server: \$schema=(\S+)$/;

/** Every committed stack file (Pulumi.<stack>.yaml beside a Pulumi.yaml), with its project's name. */
function stackFiles(): Array<{ file: string; project: string }> {
  const out: Array<{ file: string; project: string }> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!["node_modules", "out", "tmp", "dist"].includes(entry.name) && !entry.name.startsWith(".")) walk(path.join(dir, entry.name));
      } else if (/^Pulumi\.[^.]+\.ya?ml$/.test(entry.name) && fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
        out.push({ file: path.relative(REPO, path.join(dir, entry.name)), project: projectName(dir) });
      }
    }
  };
  walk(REPO);
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * Fixtures made of mistakes name the schema too, so an editor shows them, and must fail it where a
 * schema can see the mistake (the rest, such as two services on one route, only the config's checks see).
 */
const INVALID: Readonly<Record<string, readonly string[]>> = {
  "test/fixtures/invalid/Pulumi.mistakes.yaml": [
    "/config/ack-platform:zones",
    "/config/ack-platform:network/vpcCidr",
    "/config/ack-platform:services/1/resources/memory",
    "/config/ack-platform:services/3/canary/weight",
  ],
  "test/fixtures/policy-violations/Pulumi.unexplained.yaml": ["/config/ack-platform:policy/disabled/0/reason"],
  // Its region and registry endpoint may come from its ESC environment; a service's version may not.
  "test/fixtures/esc/Pulumi.partial.yaml": ["/config/ack-platform:services/0/version"],
};

const read = (file: string) => fs.readFileSync(path.join(REPO, file), "utf8");
const dev = () => YAML.parse(read("Pulumi.dev.yaml")) as { config: Record<string, any>; [key: string]: unknown };

describe("the stack file schema", () => {
  it("is the one the zod schema generates today (run `npm run schema` after changing a config key)", async () => {
    assert.equal(read(SCHEMA_FILE), await renderStackSchema(), `${SCHEMA_FILE} is stale: run npm run schema`);
  });

  it("is named on the first line of every stack file of this project, by a path that reaches it", () => {
    const files = stackFiles().filter((f) => f.project === "ack-platform");
    assert.ok(files.length >= 10, `found only ${files.map((f) => f.file).join(", ")}`);
    for (const { file } of files) {
      const first = read(file).split(/\r?\n/)[0]!;
      const m = MODELINE.exec(first);
      assert.ok(m, `${file} does not start with the yaml-language-server line: ${first}`);
      assert.equal(path.resolve(REPO, path.dirname(file), m[1]!), path.join(REPO, SCHEMA_FILE), `${file} names ${m[1]}`);
    }
  });

  it("is not named by stack files of other projects, whose config is not this project's", () => {
    const others = stackFiles().filter((f) => f.project !== "ack-platform");
    assert.ok(others.some((f) => f.file === "examples/app-team/Pulumi.dev.yaml"));
    for (const { file } of others) assert.doesNotMatch(read(file), /stack\.schema\.json/, file);
  });

  it("accepts every committed stack file of this project, and refuses the mistakes of those made of them", () => {
    for (const { file } of stackFiles().filter((f) => f.project === "ack-platform")) {
      const paths = errorPaths(YAML.parse(read(file)));
      const expected = INVALID[file];
      if (!expected) assert.deepEqual(paths, [], `${file}: ${JSON.stringify(errorsOf(YAML.parse(read(file))), null, 1)}`);
      else for (const p of expected) assert.ok(paths.includes(p), `${file}: no error at ${p}; errors at ${paths.join(", ")}`);
    }
  });

  describe("refuses a wrong value", () => {
    const refused = (edit: (doc: ReturnType<typeof dev>) => void, at: string) => {
      const doc = dev();
      assert.deepEqual(errorPaths(doc), []);
      edit(doc);
      assert.ok(errorPaths(doc).includes(at), `no error at ${at}; errors: ${JSON.stringify(errorsOf(doc))}`);
    };
    const catalog = (doc: ReturnType<typeof dev>) =>
      doc.config["ack-platform:services"].find((s: { name: string }) => s.name === "catalog");
    const at = (doc: ReturnType<typeof dev>, rest: string) =>
      `/config/ack-platform:services/${doc.config["ack-platform:services"].indexOf(catalog(doc))}${rest}`;

    it("a canary weight of 150", () => {
      const doc = dev();
      refused((d) => (catalog(d).canary.weight = 150), at(doc, "/canary/weight"));
    });
    it("an unknown key (canry)", () => {
      const doc = dev();
      refused(
        (d) => {
          catalog(d).canry = catalog(d).canary;
          delete catalog(d).canary;
        },
        at(doc, "/canry"),
      );
    });
    it("a typo in the namespace (ack-platfrom:services)", () => {
      refused((d) => {
        d.config["ack-platfrom:services"] = d.config["ack-platform:services"];
        delete d.config["ack-platform:services"];
      }, "/config/ack-platfrom:services");
    });
    it("a key without a namespace, and a namespace of no provider this project uses", () => {
      refused((d) => (d.config["region"] = "cn-hangzhou"), "/config/region");
      refused((d) => (d.config["aws:region"] = "us-east-1"), "/config/aws:region");
    });
    it("a secure value in a key that is not a secret", () => {
      refused((d) => (d.config["ack-platform:region"] = { secure: "v1:abc" }), "/config/ack-platform:region");
      refused((d) => (d.config["ack-platform:network"] = { secure: "v1:abc" }), "/config/ack-platform:network/secure");
      refused((d) => (catalog(d).env = { DB_PASSWORD: { secure: "v1:abc" } }), at(dev(), "/env/DB_PASSWORD"));
    });
    it("a plain value in a key of this project that is not a config key (a secret is always secure)", () => {
      refused((d) => (d.config["ack-platform:grafanaAdminPassword"] = "hunter2"), "/config/ack-platform:grafanaAdminPassword");
    });
    it('a memory of "1GB"', () => {
      refused((d) => (catalog(d).resources.memory = "1GB"), at(dev(), "/resources/memory"));
    });
    it("a key the kind does not use, and a registry mode of another kind", () => {
      refused((d) => {
        d.config["ack-platform:kind"] = "local";
        delete d.config["ack-platform:zones"];
      }, "/config/ack-platform:region");
      refused((d) => (d.config["ack-platform:registry"] = { mode: "local" }), "/config/ack-platform:registry/mode");
    });
    it("a missing required key, when no ESC environment may hold it", () => {
      refused((d) => delete d.config["ack-platform:region"], "/config/ack-platform:region");
      refused((d) => delete d.config["ack-platform:registry"].endpoint, "/config/ack-platform:registry/endpoint");
    });
  });

  it("accepts secrets, provider settings and the secrets provider's keys", () => {
    const doc = dev();
    doc.config["ack-platform:grafanaAdminPassword"] = { secure: "v1:Xk3n:Zm9v" };
    doc.config["ack-platform:ordersDbPassword"] = { secure: "AAABAGx4" };
    doc.config["alicloud:region"] = "cn-hangzhou";
    doc.config["kubernetes:enableServerSideApply"] = true;
    doc.config["pulumi:tags"] = { team: "platform" };
    doc["encryptionsalt"] = "v1:abc";
    doc["secretsprovider"] = "passphrase";
    assert.deepEqual(errorsOf(doc), []);
  });

  it("leaves the keys an ESC environment may hold to it, and still checks the values the file gives", () => {
    for (const environment of [["acme/prod"], { imports: ["acme/common", { "acme/prod": { merge: false } }] }]) {
      const doc = dev();
      doc["environment"] = environment;
      delete doc.config["ack-platform:region"];
      delete doc.config["ack-platform:registry"].endpoint;
      assert.deepEqual(errorsOf(doc), []);
      assert.deepEqual(errorsOf({ environment }), []);
      doc.config["ack-platform:zones"] = [];
      assert.ok(errorPaths(doc).includes("/config/ack-platform:zones"));
    }
    // In a list the stack file's entries are whole: Pulumi does not merge a list with the environment's.
    const doc = dev();
    doc["environment"] = ["acme/prod"];
    delete doc.config["ack-platform:services"][0].version;
    assert.ok(errorPaths(doc).includes("/config/ack-platform:services/0/version"));
    assert.ok(errorPaths({ environment: { imports: [{ a: 1, b: 2 }] } }).length > 0);
  });

  it("requires of a service what serviceDefaults does not give it, and its name always", () => {
    const doc = dev();
    const services = doc.config["ack-platform:services"];
    // ajv reports the failed if/else at /config too, beside the missing key.
    const missing = () => errorPaths(doc).filter((p) => p !== "/config");
    delete services[0].resources;
    delete services[0].version;
    assert.deepEqual(missing().sort(), ["/config/ack-platform:services/0/resources", "/config/ack-platform:services/0/version"]);
    doc.config["ack-platform:serviceDefaults"] = { resources: { cpu: "100m", memory: "128Mi" } };
    assert.deepEqual(missing(), ["/config/ack-platform:services/0/version"]);
    doc.config["ack-platform:serviceDefaults"].version = "1.0.0";
    assert.deepEqual(errorPaths(doc), []);
    delete services[0].name;
    assert.deepEqual(missing(), ["/config/ack-platform:services/0/name"]);
  });

  it("states a default that depends on the kind in the description", () => {
    const gateway = ((committed["definitions"] as any).config.properties["ack-platform:gateway"] as any).properties;
    assert.equal(gateway.replicas.description, "between 1 and 20. Default: 1 in local and dev; 2 in staging; 3 in prod");
    assert.equal(gateway.controller.default, "envoy-gateway");
  });

  it("describes a key built from the helpers with no other work", () => {
    assert.deepEqual(jsonSchemaOf(section({ surge: intBetween(1, 5).default(2), memory: memory() })), {
      type: "object",
      properties: {
        surge: { description: "between 1 and 5", type: "integer", minimum: 1, maximum: 5, default: 2 },
        memory: jsonSchemaOf(memory()),
      },
      required: ["memory"],
      additionalProperties: false,
    });
  });
});

describe("the fragments the helpers declare", () => {
  const declared: DeclaredSchema[] = [];
  stackFileSchema("ack-platform", (d) => declared.push(d));
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  const check = (d: DeclaredSchema) => {
    const key = JSON.stringify(d.jsonSchema);
    if (!compiled.has(key)) compiled.set(key, ajv.compile(d.jsonSchema));
    return compiled.get(key)!;
  };
  const hex = "0123456789abcdef".repeat(4);
  const PROBES: unknown[] = [
    ...[-1, 0, 1, 2, 3, 7, 8, 16, 20, 22, 28, 29, 30, 32, 33, 90, 100, 101, 150, 200, 1000, 65535, 65536, 0.5, 1.5, 1e21],
    true,
    false,
    ...["", " ", "a", "ab", "Abc", "a b", " a", "a ", "true", "0", "1", "0.5", "1.10", "-1", "1e3", ".5"],
    ...["250m", "512Mi", " 512Mi ", "2Gi", "1.5Gi", "1GB", "1G", "512m", "0Mi", "64Mi", "1Ki", "1e9"],
    ...["10.0.0.0/16", "10.0.0.1/16", "10.0.0.0/8", "010.0.0.0/16", "10.0.0.0/08", "10.0.0.0/33", "10.0.0.0/7", "10.0.0.0/29"],
    ...[
      "172.21.0.0/20",
      "203.0.113.0/24",
      "198.51.100.7/32",
      "0.0.0.0/0",
      "256.1.1.1/32",
      "10.0.1.15:8080",
      "10.0.1.15:0",
      "1.2.3.4:99999",
    ],
    ...["cn-hangzhou", "cn-hangzhou-h", "ap-southeast-1a", "api.example.com", "*.example.com", "API.example.com", "localhost:5001"],
    ...["latest", "1.4.2", `sha256:${hex}`, "1.35.2-aliyun.1", "1.32.0-aliyun.1", "1.100.0-aliyun.1", "ecs.g7.xlarge", "slb.s1.small"],
    ...["envoy-gateway", "x-canary", "/", "/orders", "orders", "acme", "local", "dev", "prod", "advisory", "terway", "cloud_essd"],
    ...["NoSchedule", "https://example.com", "http://x", "ops@example.com", "smtp.example.com:465", "vsw-bp1abc", "cri-abc123"],
    ...["23:00", "24:00", "Asia/Shanghai", "http_requests_total", "code", "grafanaAdminPassword", "DB_HOST", "Standard", "Advanced"],
    ...["registry.cn-hangzhou.aliyuncs.com/mirror", "docker.io/library/nginx", "8.19.4", "harbor.example.com", "no-host-port"],
    {},
    [],
    ["a"],
    { secure: "v1:abc" },
    { DB_HOST: "db", PORT: 5432, DEBUG: true },
    { DB_PASSWORD: "ordersDbPassword" },
    { "bad-name": "x" },
    { A: { secure: "x" } },
  ];

  it("are met for every key of every kind", () => {
    assert.ok(declared.length > 100, `only ${declared.length}`);
  });

  it("never refuse a value the config accepts", () => {
    for (const d of declared) {
      for (const probe of PROBES) {
        if (z.safeParse(d.schema, probe).success) {
          assert.ok(check(d)(probe), `${JSON.stringify(d.jsonSchema)} refuses ${JSON.stringify(probe)}, which the config accepts`);
        }
      }
    }
  });

  it("never refuse a value the config accepts, for generated quantities, blocks and versions", () => {
    const values = fc.oneof(
      fc.stringMatching(/^ ?[0-9.]{1,4}(Ki|Mi|Gi|Ti|Ei|m|k|M|G|GB|e3|E|e-2|u|n)? ?$/),
      fc.stringMatching(/^[0-9]{1,3}(\.[0-9]{1,3}){3}\/[0-9]{1,2}$/),
      fc.stringMatching(/^[0-9]{1,3}(\.[0-9]{1,3}){3}:[0-9]{1,5}$/),
      fc.stringMatching(/^1\.[0-9]{1,3}\.[0-9]-aliyun\.[0-9]$/),
      fc.stringMatching(/^[a-zA-Z0-9_.:\/-]{1,12}$/),
      fc.integer({ min: -5, max: 70000 }),
      fc.double({ noNaN: true }),
      fc.string(),
    );
    fc.assert(
      fc.property(values, (value) => {
        for (const d of declared) {
          if (z.safeParse(d.schema, value).success && !check(d)(value)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it("refuse what their words refuse", () => {
    const refuses = (description: RegExp, value: unknown) => {
      const d = declared.find((x) => description.test(String(x.jsonSchema["description"])));
      assert.ok(d, `no fragment described as ${description}`);
      assert.equal(check(d)(value), false, `${JSON.stringify(d.jsonSchema)} accepts ${JSON.stringify(value)}`);
    };
    refuses(/^a memory quantity/, "1GB");
    refuses(/^a memory quantity/, "512m");
    refuses(/^a CPU quantity/, -1);
    refuses(/^between 0 and 100$/, 150);
    refuses(/^an IPv4 CIDR block such as '10/, "10.0.0.0/33");
    refuses(/^a version tag/, "latest");
    refuses(/^an ACK version/, "1.32.0-aliyun.1");
    refuses(/^a non-empty string$/, " padded");
    refuses(/^true or false$/, "true");
  });
});
