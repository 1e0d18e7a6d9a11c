import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as esbuild from "esbuild";

// This process was started with tools/register.cjs (tools/test/run.mjs), as the plan is.

const { deferredModules } = require("../../tools/deferModules.cjs") as { deferredModules(): Map<string, boolean> };

const pulumiRoot = path.dirname(require.resolve("@pulumi/pulumi"));
const fromSdk = (id: string) => require.resolve(id, { paths: [pulumiRoot] });

describe("deferred SDK modules", () => {
  it("are not loaded by loading the SDK and running a program under the mock runtime", async () => {
    const pulumi = await import("@pulumi/pulumi");
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs });
    const k8s = await import("@pulumi/kubernetes");
    const ns = new k8s.core.v1.Namespace("apps", { metadata: { name: "apps" } });
    assert.equal(await new Promise((resolve) => ns.id.apply(resolve)), "apps-id");
    const deferred = deferredModules();
    for (const id of ["typescript", "@npmcli/arborist", "normalize-package-data", "js-yaml", "./automation"]) {
      assert.equal(deferred.get(fromSdk(id)), false, `${id} was loaded`);
    }
  });

  it("load the real module the first time anything of it is used, and are it from then on", () => {
    const file = fromSdk("typescript");

    const ts = require(file) as { version: string; __esModule: boolean };
    assert.equal(deferredModules().get(file), false);

    const { version } = require(path.join(path.dirname(file), "..", "package.json")) as { version: string };
    assert.equal(ts.version, version);
    assert.equal(deferredModules().get(file), true);
  });

  it("give a CommonJS function as TypeScript's __importDefault would, and can be called", () => {
    const file = fromSdk("normalize-package-data");

    const standIn = require(file) as { default: (data: Record<string, unknown>) => void } & ((data: Record<string, unknown>) => void);
    const data: Record<string, unknown> = { name: "x", version: "1.0.0" };
    standIn.default(data);
    assert.equal(typeof data["_id"], "string");
    const again: Record<string, unknown> = { name: "y", version: "2.0.0" };
    standIn(again);
    assert.equal(again["_id"], "y@2.0.0");
  });
});

describe("a deferred module imported by compiled TypeScript", () => {
  it("gives a default import and a namespace import what the real module gives", () => {
    const file = fromSdk("js-yaml");
    assert.equal(deferredModules().get(file), false, "js-yaml is still deferred");
    // How tools/register.cjs compiles `import yaml from "js-yaml"` and `import * as yaml from "js-yaml"`,
    // run where the SDK requires it from.
    const sdkRequire = createRequire(path.join(pulumiRoot, "index.js"));
    const compiled = (source: string) => {
      const { code } = esbuild.transformSync(source, { loader: "ts", format: "cjs", platform: "node" });
      const module = { exports: {} as Record<string, unknown> };
      new Function("require", "module", "exports", code)(sdkRequire, module, module.exports);
      return module.exports;
    };
    const viaDefault = compiled(`import yaml from "js-yaml"; export const load = yaml.load;`);
    const viaNamespace = compiled(`import * as yaml from "js-yaml"; export const load = yaml.load;`);
    assert.equal(typeof viaDefault["load"], "function");
    assert.equal(viaDefault["load"], viaNamespace["load"]);
    assert.equal(deferredModules().get(file), true);
  });
});
