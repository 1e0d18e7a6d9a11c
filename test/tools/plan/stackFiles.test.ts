import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { listStacks, readProject, readStack, StackFileError, stackEnvironments } from "../../../tools/plan/stackFiles";

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stackfiles-"));
  fs.mkdirSync(path.join(dir, "src"));
  fs.writeFileSync(path.join(dir, "src", "index.ts"), "export = () => ({});\n");
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe("stack files", () => {
  it("reads the project and a stack as the CLI passes config to a program", () => {
    const dir = project({
      "Pulumi.yaml": "name: demo\nruntime:\n  name: nodejs\nmain: src/\nconfig:\n  region:\n    default: cn-hangzhou\n",
      "Pulumi.dev.yaml": [
        "config:",
        "  demo:kind: dev",
        "  demo:replicas: 3",
        "  demo:network:",
        "    vpcCidr: 10.0.0.0/16",
        "  demo:dbPassword:",
        "    secure: v1:abc:def",
        "  demo:registry:",
        "    password:",
        "      secure: v1:ghi:jkl",
        "  alicloud:region: cn-shanghai",
        "",
      ].join("\n"),
    });
    const p = readProject(dir);
    assert.equal(p.name, "demo");
    assert.equal(p.main, path.join(dir, "src", "index.ts"));
    const s = readStack(p, "dev");
    assert.deepEqual(s.config, {
      "demo:region": "cn-hangzhou",
      "demo:kind": "dev",
      "demo:replicas": "3",
      "demo:network": '{"vpcCidr":"10.0.0.0/16"}',
      "demo:dbPassword": "[secret]",
      "demo:registry": '{"password":"[secret]"}',
      "alicloud:region": "cn-shanghai",
    });
    assert.deepEqual(s.secretKeys, ["demo:dbPassword", "demo:registry"]);
    assert.deepEqual(listStacks(dir), ["dev"]);
  });

  it("names the stacks that exist when asked for one that does not", () => {
    const dir = project({ "Pulumi.yaml": "name: demo\nruntime: nodejs\nmain: src/\n", "Pulumi.prod.yaml": "config: {}\n" });
    assert.throws(
      () => readStack(readProject(dir), "dve"),
      (err: unknown) => {
        assert.ok(err instanceof StackFileError);
        assert.match(err.message, /there is no Pulumi\.dve\.yaml in .*; stacks here: prod/);
        return true;
      },
    );
  });

  it("reads the ESC environments a stack imports, in each form the CLI accepts", () => {
    const dir = project({
      "Pulumi.yaml": "name: demo\nruntime: nodejs\nmain: src/\n",
      "Pulumi.dev.yaml": "environment:\n  - acme/common\n  - acme/dev@3\nconfig:\n  demo:kind: dev\n",
      "Pulumi.prod.yaml": "config:\n  demo:kind: prod\n",
    });
    const dev = readStack(readProject(dir), "dev");
    assert.deepEqual([dev.environments, dev.unmergedEnvironments, dev.inlineEnvironment], [["acme/common", "acme/dev@3"], [], false]);
    assert.deepEqual(dev.config, { "demo:kind": "dev" });
    const prod = readStack(readProject(dir), "prod");
    assert.deepEqual([prod.environments, prod.inlineEnvironment], [[], false]);

    assert.deepEqual(
      stackEnvironments("f", {
        imports: ["acme/common", { "acme/prod": { merge: false } }, { "acme/keys": null }],
        values: { pulumiConfig: { "demo:region": "cn-hangzhou" } },
      }),
      { environments: ["acme/common", "acme/prod", "acme/keys"], unmergedEnvironments: ["acme/prod"], inlineEnvironment: true },
    );
    assert.deepEqual(stackEnvironments("f", { values: {} }), { environments: [], unmergedEnvironments: [], inlineEnvironment: false });
    for (const wrong of ["acme/prod", 3, [""], [{ a: {}, b: {} }], { imports: "acme/prod" }, { import: ["acme/prod"] }]) {
      assert.throws(() => stackEnvironments("Pulumi.dev.yaml", wrong), StackFileError, JSON.stringify(wrong));
    }
  });

  it("refuses a project that is not Node.js or has no entry", () => {
    assert.throws(() => readProject(project({ "Pulumi.yaml": "name: demo\nruntime: python\n" })), /runtime "python" is not nodejs/);
    assert.throws(
      () => readProject(project({ "Pulumi.yaml": "name: demo\nruntime: nodejs\nmain: nowhere/\n" })),
      /main 'nowhere\/' has no index.ts/,
    );
  });
});
