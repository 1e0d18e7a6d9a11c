import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ENTRIES, replacementRule } from "../../../tools/plan/replacements";

const ALICLOUD = path.dirname(require.resolve("@pulumi/alicloud/package.json"));

/** The input names of an @pulumi/alicloud resource, from its `<Name>Args` interface. */
function alicloudInputs(type: string): Set<string> {
  const [, module, name] = type.split(":");
  const text = fs.readFileSync(path.join(ALICLOUD, `${module}.d.ts`), "utf8");
  const start = text.indexOf(`export interface ${name}Args {`);
  assert.ok(start >= 0, `${type}: no ${name}Args in @pulumi/alicloud/${module}.d.ts`);
  const body = text.slice(start, text.indexOf("\n}", start));
  return new Set([...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]!));
}

describe("the replacement rules of each resource type", () => {
  it("name their source, and list each type once", () => {
    for (const e of ENTRIES) assert.match(e.source, /\S/, e.type);
    assert.equal(new Set(ENTRIES.map((e) => e.type)).size, ENTRIES.length);
  });

  it("name only inputs the Alibaba Cloud resources have, and never one field as both ForceNew and create-only", () => {
    for (const { type, rule } of ENTRIES.filter((e) => e.type.startsWith("alicloud:"))) {
      const inputs = alicloudInputs(type);
      for (const field of [...rule.replaceOn, ...(rule.ignoredAfterCreate ?? [])]) {
        assert.ok(inputs.has(field), `${type}: ${field} is not an input of ${type.split(":")[2]}`);
      }
      for (const field of rule.ignoredAfterCreate ?? []) assert.ok(!rule.replaceOn.includes(field), `${type}: ${field}`);
    }
  });

  it("replace every Kubernetes object on its name or namespace, and a Secret on its data unless the provider makes Secrets mutable", () => {
    const deployment = replacementRule("kubernetes:apps/v1:Deployment", {});
    assert.deepEqual(deployment?.replaceOn.slice(0, 3), ["metadata.name", "metadata.namespace", "spec.selector"]);
    assert.ok(replacementRule("kubernetes:core/v1:Secret", {})!.replaceOn.includes("stringData"));
    assert.ok(!replacementRule("kubernetes:core/v1:Secret", {}, { enableSecretMutable: true })!.replaceOn.includes("stringData"));
    assert.ok(
      replacementRule("kubernetes:core/v1:Secret", { immutable: true }, { enableSecretMutable: true })!.replaceOn.includes("stringData"),
      "an immutable Secret is replaced whatever the provider says",
    );
    assert.equal(replacementRule("kubernetes:example.com/v1:Unknown", {}), undefined);
  });
});
