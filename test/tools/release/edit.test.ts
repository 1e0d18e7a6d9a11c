import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { editRelease, type ReleaseAction, ReleaseError } from "../../../tools/release/edit";
import { StackWriteError, type WriteFileSystem, writeStackFile } from "../../../tools/release/write";
import { main as releaseMain } from "../../../tools/release/cli";
import { REPO } from "../../planRunner";
import { releaseInProcess } from "./inProcess";

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

/** A service whose canary block is written in `canary` (indented as a service's key), in a stack file. */
function withCanary(canary: string, after = '    - name: cart\n      version: "1.0.0"\n'): string {
  return `config:\n  demo:services:\n    - name: orders\n      version: "4.2.0"\n${canary}${after}`;
}

describe("release edits keep every block shape", () => {
  // Each shape takes a weight, and gives it back unchanged on a rollback.
  const shapes: Array<[string, string, string]> = [
    ["a block", '      canary:\n        version: "4.3.0"\n', '      canary:\n        version: "4.3.0"\n        weight: 5\n'],
    [
      "a block that ends with a comment line",
      '      canary:\n        version: "4.3.0"\n        # the weight comes later\n',
      '      canary:\n        version: "4.3.0"\n        # the weight comes later\n        weight: 5\n',
    ],
    [
      "a block that ends with a nested block",
      '      canary:\n        version: "4.3.0"\n        header:\n          name: x-canary\n          value: testers\n',
      '      canary:\n        version: "4.3.0"\n        header:\n          name: x-canary\n          value: testers\n        weight: 5\n',
    ],
    [
      "a block with an empty weight",
      '      canary:\n        version: "4.3.0"\n        weight:\n',
      '      canary:\n        version: "4.3.0"\n        weight: 5\n',
    ],
    [
      "a block indented by four",
      '      canary:\n          version: "4.3.0"  # next release\n',
      '      canary:\n          version: "4.3.0"  # next release\n          weight: 5\n',
    ],
    ["a flow mapping", '      canary: { version: "4.3.0" }\n', '      canary: { version: "4.3.0", weight: 5 }\n'],
    [
      "a flow mapping over two lines",
      '      canary: { version: "4.3.0",\n                weight: 1 }\n',
      '      canary: { version: "4.3.0",\n                weight: 5 }\n',
    ],
  ];
  for (const [shape, canary, weighted] of shapes) {
    it(`sets a weight in ${shape}, in the middle of the list and at the end of a file without a last line break`, () => {
      assert.equal(editRelease(withCanary(canary), "demo", "orders", { kind: "weight", weight: 5 }), withCanary(weighted));
      const last = withCanary(canary, "").replace(/\n$/, "");
      assert.equal(editRelease(last, "demo", "orders", { kind: "weight", weight: 5 }), withCanary(weighted, "").replace(/\n$/, ""));
      assert.equal(editRelease(withCanary(canary), "demo", "orders", { kind: "rollback" }), withCanary(""));
    });
  }

  it("leaves a comment that belongs to the next key where it is", () => {
    const text = withCanary('      canary:\n        version: "4.3.0"\n      # the checkout flow\n      route: { host: a.example.com }\n');
    assert.equal(
      editRelease(text, "demo", "orders", { kind: "weight", weight: 5 }),
      text.replace('"4.3.0"\n', '"4.3.0"\n        weight: 5\n'),
    );
    assert.equal(
      editRelease(text, "demo", "orders", { kind: "rollback" }),
      withCanary("      # the checkout flow\n      route: { host: a.example.com }\n"),
    );
  });

  it("keeps a CRLF file CRLF, for every action", () => {
    const crlf = (t: string) => t.replace(/\r?\n/g, "\r\n");
    const actions: Array<[string, ReleaseAction]> = [
      ["catalog", { kind: "weight", weight: 50 }],
      ["orders", { kind: "weight", weight: 5 }],
      ["orders", { kind: "promote" }],
      ["catalog", { kind: "rollback" }],
      ["orders", { kind: "legacy-weight", weight: 0 }],
    ];
    for (const [service, action] of actions) {
      const after = editRelease(crlf(STACK), "demo", service, action);
      assert.equal(after, crlf(editRelease(STACK, "demo", service, action)), `${service} ${action.kind}`);
      assert.doesNotMatch(after, /[^\r]\n/, "no bare LF");
    }
    const drained = editRelease(crlf(STACK), "demo", "orders", { kind: "legacy-weight", weight: 0 });
    assert.doesNotMatch(editRelease(drained, "demo", "orders", { kind: "retire-legacy" }), /[^\r]\n/);
  });

  it("says it is its own fault, not the file's, when a splice would change the meaning", () => {
    // A trailing comma in a flow mapping is valid YAML that the splice does not expect.
    const text = withCanary('      canary: { version: "4.3.0", }\n');
    assert.throws(
      () => editRelease(text, "demo", "orders", { kind: "weight", weight: 5 }),
      /^ReleaseError: the release helper could not splice this change into the file without changing its meaning \(.*\); the file is unchanged: make the change by hand$/,
    );
  });
});

describe("writing a stack file", () => {
  function file(mode = 0o640): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "release-write-"));
    const f = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(f, "before\n");
    fs.chmodSync(f, mode);
    return f;
  }
  /** The real file system with one operation replaced by one that fails with `code`. */
  function failing(op: keyof WriteFileSystem, code: string, afterBytes?: number): WriteFileSystem {
    const error = () => Object.assign(new Error(`${code}: failed`), { code });
    const real = { ...fs } as unknown as Record<string, unknown>;
    if (op === "writeSync") {
      // A disk that fills up part-way: some bytes go out, then ENOSPC.
      real[op] = (fd: number, buffer: Buffer, offset: number, length: number) => {
        if (afterBytes !== undefined && offset < afterBytes) return fs.writeSync(fd, buffer, offset, Math.min(length, afterBytes - offset));
        throw error();
      };
    } else {
      real[op] = () => {
        throw error();
      };
    }
    return real as unknown as WriteFileSystem;
  }

  it("replaces the file whole, keeping its mode, and leaves nothing beside it", () => {
    const f = file(0o600);
    writeStackFile(f, "after\n");
    assert.equal(fs.readFileSync(f, "utf8"), "after\n");
    assert.equal(fs.statSync(f).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(path.dirname(f)), ["Pulumi.dev.yaml"]);
  });

  it("writes through a symbolic link, which stays a link", () => {
    const f = file();
    const link = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "release-link-")), "Pulumi.dev.yaml");
    fs.symlinkSync(f, link);
    writeStackFile(link, "after\n");
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.equal(fs.readFileSync(f, "utf8"), "after\n");
  });

  const failures: Array<[string, keyof WriteFileSystem, string, RegExp, number?]> = [
    ["a full disk", "writeSync", "ENOSPC", /: the disk is full \(ENOSPC\); it is unchanged$/, 3],
    ["a read-only file", "accessSync", "EACCES", /: the file is read-only: permission denied \(EACCES\); it is unchanged$/],
    ["a directory it may not write in", "openSync", "EACCES", /: permission denied \(EACCES\); it is unchanged$/],
    ["a read-only file system", "renameSync", "EROFS", /: the file system is read-only \(EROFS\); it is unchanged$/],
    ["a failing flush", "fsyncSync", "EIO", /: an input\/output error \(EIO\); it is unchanged$/],
  ];
  for (const [what, op, code, message, afterBytes] of failures) {
    it(`says in one line why it cannot write to ${what}, and leaves the file and the directory as they were`, () => {
      const f = file();
      assert.throws(
        () => writeStackFile(f, "after, and longer than before\n", failing(op, code, afterBytes)),
        (err: unknown) => {
          assert.ok(err instanceof StackWriteError);
          assert.equal(err.code, code);
          assert.match(err.message, /^cannot write .*Pulumi\.dev\.yaml: /);
          assert.match(err.message, message);
          assert.doesNotMatch(err.message, /\n/);
          return true;
        },
      );
      assert.equal(fs.readFileSync(f, "utf8"), "before\n");
      assert.deepEqual(fs.readdirSync(path.dirname(f)), ["Pulumi.dev.yaml"]);
    });
  }
});

describe("npm run release", () => {
  function project(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "release-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: demo\nruntime: nodejs\nmain: ${path.join(REPO, "stacks")}\n`);
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), STACK);
    return dir;
  }
  /** The command as its own process, as a user runs it. */
  const releaseProcess = (dir: string, ...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", path.join(REPO, "tools/release/cli.ts"), "dev", ...args, "--project", dir], {
      encoding: "utf8",
    });
  /** The same command line through its exported main, in this process (inProcess.ts). */
  const release = (dir: string, ...args: string[]) => releaseInProcess(["dev", ...args, "--project", dir]);

  it("edits the file, validates it with the stack schema and prints the next step", () => {
    const dir = project();
    const res = releaseProcess(dir, "catalog", "--weight", "50");
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

  it("refuses a result the schema refuses, with the usual message, and leaves the file as it was", async () => {
    const dir = project();
    const over = await release(dir, "catalog", "--weight", "150");
    assert.equal(over.status, 2);
    assert.match(over.stderr, /refused: the change would make the stack invalid; Pulumi\.dev\.yaml is unchanged\./);
    assert.match(over.stderr, /services\[0\]\.canary\.weight: 150 is not between 0 and 100/);
    const sum = await release(dir, "orders", "--weight", "60");
    assert.equal(sum.status, 2);
    assert.match(sum.stderr, /services\[1\]\.legacy\.weight: 50 plus the canary weight 60 is more than 100/);
    assert.equal(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8"), STACK);
  });

  it("says which promotion step it wrote and what comes next", async () => {
    const dir = project();
    const first = await release(dir, "orders", "--promote");
    assert.equal(first.status, 0, first.stderr);
    assert.match(
      first.stdout,
      /promotion step 1 of 3: the canary takes all the traffic the cluster serves, once its 2 pods \(that share of\n  the stable peak\) are ready/,
    );
    assert.match(first.stdout, /next, after this pulumi up and a look at its error rate: npm run release -- dev orders --promote/);
    const second = await release(dir, "orders", "--promote");
    assert.match(second.stdout, /promotion step 2 of 3: the stable track rolls to 4\.3\.0 at its full capacity/);
    const third = await release(dir, "orders", "--promote");
    assert.match(third.stdout, /promotion step 3 of 3: the canary track is removed; 4\.3\.0 serves on the stable track alone/);
    assert.doesNotMatch(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8"), /4\.2\.0/);
  });

  it("says in one line why the file cannot be written, exits 1, and leaves it as it was", async () => {
    const dir = project();
    const file = path.join(dir, "Pulumi.dev.yaml");
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    const errors: string[] = [];
    const logged = console.error;
    const printed = console.log;
    console.error = (line: string) => errors.push(line);
    console.log = () => {};
    let status: number;
    try {
      status = await releaseMain(["dev", "catalog", "--weight", "50", "--project", dir], (f, text) =>
        writeStackFile(f, text, {
          ...fs,
          writeSync: () => {
            throw full;
          },
        } as unknown as WriteFileSystem),
      );
    } finally {
      console.error = logged;
      console.log = printed;
    }
    assert.equal(status, 1);
    assert.deepEqual(errors, [`cannot write ${path.relative(process.cwd(), file)}: the disk is full (ENOSPC); it is unchanged`]);
    assert.equal(fs.readFileSync(file, "utf8"), STACK);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["Pulumi.dev.yaml", "Pulumi.yaml"]);
  });

  it("refuses unclear commands", async () => {
    const dir = project();
    assert.match((await release(dir, "catalog")).stderr, /give exactly one of --weight, --promote/);
    assert.match((await release(dir, "catalog", "--weight", "ten")).stderr, /--weight ten is not a whole number of percent/);
    assert.equal((await release(dir, "catalog", "--promote", "--rollback")).status, 2);
  });
});
