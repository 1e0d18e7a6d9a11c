import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { editRelease, ReleaseError } from "../../tools/release/edit";
import { REPO } from "../planRunner";

const STACK = `# Production.
config:
  demo:kind: dev
  demo:region: cn-hangzhou
  demo:zones: [cn-hangzhou-h]
  demo:registry: { mode: existing, endpoint: registry.example.com, namespace: acme }
  demo:services:
    # The catalogue.
    - name: catalog
      version: "2.14.0"
      resources: { cpu: 500m, memory: 768Mi }
      route: { host: api.example.com, path: /catalog }
      canary: { version: "2.15.0", weight: 10 }   # watched closely
    # Orders: testers first.
    - name: orders
      version: "4.2.0"
      resources: { cpu: 500m, memory: 1Gi }
      route: { host: api.example.com, path: /orders }
      canary:
        version: "4.3.0"
        header: { name: x-canary, value: testers }
      legacy:
        endpoints: ["192.168.10.21:8080"]
        weight: 50
    - name: cart
      version: "1.0.0"
      resources: { cpu: 100m, memory: 256Mi }
  # The orders VMs, reached through the VPC's VPN gateway.
  demo:network:
    legacyNetworks: [{ name: vms, cidrs: [192.168.10.0/24], nextHop: { type: VpnGateway, id: vpn-demo1 } }]
`;

/** Lines that differ between two texts of the same length in lines, as [line number, before, after]. */
function changedLines(before: string, after: string) {
  const a = before.split("\n");
  const b = after.split("\n");
  return a.flatMap((line, i) => (line === b[i] ? [] : [[i + 1, line, b[i]]]));
}

describe("release edits", () => {
  it("sets a canary's weight in place, keeping comments and formatting", () => {
    const after = editRelease(STACK, "demo", "catalog", { kind: "weight", weight: 50 });
    assert.deepEqual(changedLines(STACK, after), [
      [
        13,
        '      canary: { version: "2.15.0", weight: 10 }   # watched closely',
        '      canary: { version: "2.15.0", weight: 50 }   # watched closely',
      ],
    ]);
  });

  it("adds a weight to a canary that had none, in its own style", () => {
    const after = editRelease(STACK, "demo", "orders", { kind: "weight", weight: 5 });
    assert.equal(
      after,
      STACK.replace(
        "        header: { name: x-canary, value: testers }\n",
        "        header: { name: x-canary, value: testers }\n        weight: 5\n",
      ),
    );
  });

  it("promotes in three steps: the canary takes everything, the stable track takes its version over, the canary goes", () => {
    const full = editRelease(STACK, "demo", "orders", { kind: "promote" });
    assert.equal(
      full,
      STACK.replace(
        "        header: { name: x-canary, value: testers }\n",
        "        header: { name: x-canary, value: testers }\n        weight: 50\n",
      ),
      "step 1: all the cluster's traffic (the legacy backends keep their 50%)",
    );
    const handover = editRelease(full, "demo", "orders", { kind: "promote" });
    assert.equal(
      handover,
      full
        .replace('      version: "4.2.0"', '      version: "4.3.0"')
        .replace(
          "        header: { name: x-canary, value: testers }\n        weight: 50\n",
          "        header: { name: x-canary, value: testers }\n        weight: 0\n",
        ),
      "step 2: the stable version is the canary's, the canary keeps running at weight 0",
    );
    const done = editRelease(handover, "demo", "orders", { kind: "promote" });
    assert.equal(
      done,
      handover.replace(
        '      canary:\n        version: "4.3.0"\n        header: { name: x-canary, value: testers }\n        weight: 0\n',
        "",
      ),
      "step 3: the canary goes",
    );
    // A flow-style canary at a weight: its weight goes to 100 in place.
    assert.equal(
      editRelease(STACK, "demo", "catalog", { kind: "promote" }),
      STACK.replace('canary: { version: "2.15.0", weight: 10 }', 'canary: { version: "2.15.0", weight: 100 }'),
    );
  });

  it("rolls back by removing the canary, and moves a legacy migration on", () => {
    assert.equal(
      editRelease(STACK, "demo", "catalog", { kind: "rollback" }),
      STACK.replace('      canary: { version: "2.15.0", weight: 10 }   # watched closely\n', ""),
    );
    assert.equal(
      editRelease(STACK, "demo", "orders", { kind: "legacy-weight", weight: 10 }),
      STACK.replace("        weight: 50", "        weight: 10"),
    );
    const drained = editRelease(STACK, "demo", "orders", { kind: "legacy-weight", weight: 0 });
    assert.equal(
      editRelease(drained, "demo", "orders", { kind: "retire-legacy" }),
      drained.replace('      legacy:\n        endpoints: ["192.168.10.21:8080"]\n        weight: 0\n', ""),
    );
  });

  it("refuses to retire legacy backends that still take traffic, and to roll back a promotion handing over", () => {
    assert.throws(
      () => editRelease(STACK, "demo", "orders", { kind: "retire-legacy" }),
      new ReleaseError(
        "'orders' still sends 50% to its legacy backends; lower it first (--legacy-weight 0), check the Kubernetes build carries everything, then retire them",
      ),
    );
    const handover = editRelease(editRelease(STACK, "demo", "catalog", { kind: "promote" }), "demo", "catalog", { kind: "promote" });
    assert.throws(
      () => editRelease(handover, "demo", "catalog", { kind: "rollback" }),
      /'catalog' is handing a promotion over: the stable track already runs "2.15.0", so there is no canary to roll back; finish with --promote, or set version back to the previous release/,
    );
  });

  it("says what is missing", () => {
    assert.throws(
      () => editRelease(STACK, "demo", "cart", { kind: "promote" }),
      new ReleaseError("'cart' has no canary; add one first (services[].canary with the new version)"),
    );
    assert.throws(
      () => editRelease(STACK, "demo", "basket", { kind: "rollback" }),
      /there is no service 'basket' in this stack; its services are: catalog, orders, cart/,
    );
    assert.throws(() => editRelease(STACK, "demo", "cart", { kind: "retire-legacy" }), /'cart' has no legacy backends/);
  });
});

describe("npm run release", () => {
  function project(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "release-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: demo\nruntime: nodejs\nmain: ${path.join(REPO, "stacks")}\n`);
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), STACK);
    return dir;
  }
  const release = (dir: string, ...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", path.join(REPO, "tools/release/cli.ts"), "dev", ...args, "--project", dir], {
      encoding: "utf8",
    });

  it("edits the file, validates it with the stack schema and prints the next step", () => {
    const dir = project();
    const res = release(dir, "catalog", "--weight", "50");
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /before: stable 2\.14\.0 90%, canary 2\.15\.0 10%\n  after:  stable 2\.14\.0 50%, canary 2\.15\.0 50%/);
    // One stable pod in dev (min 1): the canary keeps two, ready before the route moves.
    assert.match(res.stdout, /capacity: stable at least 1 pod\(s\); canary at least 2 pod\(s\) ready before the route moves \(up to 3\)/);
    assert.match(res.stdout, /pulumi up --stack dev/);
    assert.match(
      fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8"),
      /canary: \{ version: "2.15.0", weight: 50 \}   # watched closely/,
    );
  });

  it("refuses a result the schema refuses, with the usual message, and leaves the file as it was", () => {
    const dir = project();
    const over = release(dir, "catalog", "--weight", "150");
    assert.equal(over.status, 2);
    assert.match(over.stderr, /refused: the change would make the stack invalid; Pulumi\.dev\.yaml is unchanged\./);
    assert.match(over.stderr, /services\[0\]\.canary\.weight: 150 is not between 0 and 100/);
    const sum = release(dir, "orders", "--weight", "60");
    assert.equal(sum.status, 2);
    assert.match(sum.stderr, /services\[1\]\.legacy\.weight: 50 plus the canary weight 60 is more than 100/);
    assert.equal(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8"), STACK);
  });

  it("says which promotion step it wrote and what comes next", () => {
    const dir = project();
    const first = release(dir, "orders", "--promote");
    assert.equal(first.status, 0, first.stderr);
    assert.match(
      first.stdout,
      /promotion step 1 of 3: the canary takes all the traffic the cluster serves, once its 2 pods \(that share of\n  the stable peak\) are ready/,
    );
    assert.match(first.stdout, /next, after this pulumi up and a look at its error rate: npm run release -- dev orders --promote/);
    const second = release(dir, "orders", "--promote");
    assert.match(second.stdout, /promotion step 2 of 3: the stable track rolls to 4\.3\.0 at its full capacity/);
    const third = release(dir, "orders", "--promote");
    assert.match(third.stdout, /promotion step 3 of 3: the canary track is removed; 4\.3\.0 serves on the stable track alone/);
    assert.doesNotMatch(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8"), /4\.2\.0/);
  });

  it("refuses unclear commands", () => {
    const dir = project();
    assert.match(release(dir, "catalog").stderr, /give exactly one of --weight, --promote/);
    assert.match(release(dir, "catalog", "--weight", "ten").stderr, /--weight ten is not a whole number of percent/);
    assert.equal(release(dir, "catalog", "--promote", "--rollback").status, 2);
  });
});
