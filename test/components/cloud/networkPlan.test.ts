import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { contains, formatCidr, mustParseCidr, overlaps } from "../../../components/cloud/cidr";
import {
  planNatGateways,
  planVswitches,
  rangeProblems,
  type VswitchPlan,
  zoneBelongsToRegion,
  zoneCapacity,
  zoneProblems,
} from "../../../components/cloud/networkPlan";

function plan(input: Parameters<typeof planVswitches>[0]): VswitchPlan {
  const result = planVswitches(input);
  if ("problem" in result) throw new Error(`${result.problem.field}: ${result.problem.message}`);
  return result;
}

const ZONES = ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-k"];

describe("planVswitches: table", () => {
  const cases = [
    {
      what: "the default /16 with Terway: nodes from the bottom, pods from the top",
      input: { vpcCidr: "10.30.0.0/16", zones: ZONES.slice(0, 3), nodePrefix: 22, podPrefix: 19 },
      zones: [
        ["10.30.0.0/22", "10.30.224.0/19"],
        ["10.30.4.0/22", "10.30.192.0/19"],
        ["10.30.8.0/22", "10.30.160.0/19"],
      ],
      capacity: 7,
    },
    {
      what: "Flannel: node vSwitches only",
      input: { vpcCidr: "192.168.0.0/16", zones: ZONES.slice(0, 2), nodePrefix: 20 },
      zones: [["192.168.0.0/20"], ["192.168.16.0/20"]],
      capacity: 16,
    },
    {
      what: "a small VPC with small vSwitches",
      input: { vpcCidr: "172.16.0.0/20", zones: ZONES.slice(0, 2), nodePrefix: 24, podPrefix: 22 },
      zones: [
        ["172.16.0.0/24", "172.16.12.0/22"],
        ["172.16.1.0/24", "172.16.8.0/22"],
      ],
      capacity: 3,
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const p = plan(c.input);
      assert.deepEqual(
        p.zones.map((z) => [z.nodeCidr, ...(z.podCidr ? [z.podCidr] : [])]),
        c.zones,
      );
      assert.deepEqual(
        p.zones.map((z) => z.zone),
        c.input.zones,
      );
      assert.equal(p.capacity, c.capacity);
    });
  }

  it("counts the addresses left to grow into", () => {
    const p = plan({ vpcCidr: "10.0.0.0/16", zones: ZONES.slice(0, 2), nodePrefix: 22, podPrefix: 19 });
    assert.equal(p.freeAddresses, 65536 - 2 * 1024 - 2 * 8192);
  });

  it("refuses more zones than fit, naming the VPC, the sizes and the count", () => {
    assert.deepEqual(planVswitches({ vpcCidr: "10.0.0.0/20", zones: ZONES.slice(0, 2), nodePrefix: 22, podPrefix: 19 }), {
      problem: { field: "podPrefix", message: "/19 is not smaller than the VPC 10.0.0.0/20; use a prefix longer than /20" },
    });
    assert.deepEqual(planVswitches({ vpcCidr: "10.0.0.0/18", zones: ZONES, nodePrefix: 22, podPrefix: 20 }), {
      problem: {
        field: "vpcCidr",
        message:
          "'10.0.0.0/18' holds 3 zones of a /22 node vSwitch and a /20 pod vSwitch each, not 4; use a larger VPC or smaller vSwitches",
      },
    });
    assert.deepEqual(planVswitches({ vpcCidr: "10.0.0.0/16", zones: ZONES, nodePrefix: 30 }), {
      problem: { field: "nodePrefix", message: "/30 is not a vSwitch size Alibaba Cloud accepts (/16 to /29)" },
    });
    assert.deepEqual(planVswitches({ vpcCidr: "10.0.0.1/16", zones: ZONES, nodePrefix: 22 }), {
      problem: {
        field: "vpcCidr",
        message: "'10.0.0.1/16' is not an IPv4 CIDR block such as '10.0.0.0/16': host bits are set; the block starts at 10.0.0.0/16",
      },
    });
  });
});

/** A VPC and vSwitch sizes that leave room for at least one zone. */
const layout = fc
  .record({
    octet: fc.constantFrom(10, 172, 192),
    vpcPrefix: fc.integer({ min: 8, max: 24 }),
    nodeExtra: fc.integer({ min: 1, max: 8 }),
    podExtra: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
    seed: fc.integer({ min: 0, max: 2 ** 24 - 1 }),
  })
  .map(({ octet, vpcPrefix, nodeExtra, podExtra, seed }) => {
    const base = octet === 10 ? 10 << 24 : octet === 172 ? ((172 << 24) | (16 << 16)) >>> 0 : ((192 << 24) | (168 << 16)) >>> 0;
    const outer = octet === 10 ? 8 : octet === 172 ? 12 : 16;
    const prefix = Math.max(vpcPrefix, outer);
    const offset = (seed % 2 ** (prefix - outer)) * 2 ** (32 - prefix);
    const vpcCidr = formatCidr({ base: (base + offset) >>> 0, prefix });
    const nodePrefix = Math.min(29, Math.max(16, prefix + nodeExtra));
    const podPrefix = podExtra === undefined ? undefined : Math.min(29, Math.max(16, prefix + podExtra));
    return { vpcCidr, nodePrefix, podPrefix };
  })
  .filter(({ vpcCidr, nodePrefix, podPrefix }) => {
    const vpc = mustParseCidr(vpcCidr);
    return nodePrefix > vpc.prefix && (podPrefix === undefined || podPrefix > vpc.prefix) && zoneCapacity(vpc, nodePrefix, podPrefix) >= 1;
  });

const zoneNames = (n: number) =>
  Array.from({ length: n }, (_, i) => `cn-hangzhou-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? i : ""}`);

describe("planVswitches: properties", () => {
  it("every block lies inside the VPC and no two blocks overlap", () => {
    fc.assert(
      fc.property(layout, fc.nat(), (l, n) => {
        const vpc = mustParseCidr(l.vpcCidr);
        const count = 1 + (n % Math.min(zoneCapacity(vpc, l.nodePrefix, l.podPrefix), 40));
        const p = plan({ ...l, zones: zoneNames(count) });
        const blocks = p.zones.flatMap((z) => [z.nodeCidr, ...(z.podCidr ? [z.podCidr] : [])]).map(mustParseCidr);
        for (const b of blocks) assert.ok(contains(vpc, b), `${formatCidr(b)} is inside ${l.vpcCidr}`);
        for (let i = 0; i < blocks.length; i++) {
          for (let j = i + 1; j < blocks.length; j++)
            assert.ok(!overlaps(blocks[i]!, blocks[j]!), `${formatCidr(blocks[i]!)} and ${formatCidr(blocks[j]!)}`);
        }
      }),
    );
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(layout, fc.nat(), (l, n) => {
        const count = 1 + (n % Math.min(zoneCapacity(mustParseCidr(l.vpcCidr), l.nodePrefix, l.podPrefix), 10));
        const input = { ...l, zones: zoneNames(count) };
        assert.deepEqual(plan(input), plan({ ...input, zones: [...input.zones] }));
      }),
    );
  });

  it("adding a zone at the end keeps every earlier allocation", () => {
    fc.assert(
      fc.property(layout, fc.nat(), (l, n) => {
        const capacity = zoneCapacity(mustParseCidr(l.vpcCidr), l.nodePrefix, l.podPrefix);
        fc.pre(capacity >= 2);
        const count = 1 + (n % Math.min(capacity - 1, 20));
        const before = plan({ ...l, zones: zoneNames(count) });
        const after = plan({ ...l, zones: zoneNames(count + 1) });
        assert.deepEqual(after.zones.slice(0, count), before.zones);
      }),
    );
  });

  it("fills the VPC up to its capacity and refuses one zone more", () => {
    fc.assert(
      fc.property(layout, (l) => {
        const capacity = zoneCapacity(mustParseCidr(l.vpcCidr), l.nodePrefix, l.podPrefix);
        fc.pre(capacity <= 64);
        assert.equal(plan({ ...l, zones: zoneNames(capacity) }).zones.length, capacity);
        const over = planVswitches({ ...l, zones: zoneNames(capacity + 1) });
        assert.ok("problem" in over && over.problem.field === "vpcCidr", JSON.stringify(over));
      }),
    );
  });
});

describe("zones and regions", () => {
  it("knows which zones belong to a region", () => {
    const table: Array<[string, string, boolean]> = [
      ["cn-hangzhou-h", "cn-hangzhou", true],
      ["cn-hangzhou-h", "cn-hangzhou-finance", false],
      ["ap-southeast-1a", "ap-southeast-1", true],
      ["ap-southeast-1a", "ap-southeast", false],
      ["cn-shanghai-b", "cn-hangzhou", false],
      ["cn-hangzhou-hh", "cn-hangzhou", false],
      ["cn-hangzhou", "cn-hangzhou", false],
    ];
    for (const [zone, region, expected] of table) assert.equal(zoneBelongsToRegion(zone, region), expected, `${zone} in ${region}`);
  });

  it("names each wrong zone, a repeated one, and too few", () => {
    assert.deepEqual(zoneProblems("cn-hangzhou", ["cn-hangzhou-h", "cn-shanghai-b", "cn-hangzhou-h"]), [
      { index: 1, message: "'cn-shanghai-b' is not a zone of region 'cn-hangzhou' (its zones are named like 'cn-hangzhou-a')" },
      { index: 2, message: "'cn-hangzhou-h' is listed twice (also zones[0])" },
    ]);
    assert.deepEqual(zoneProblems("cn-hangzhou", ["cn-hangzhou-h"], 2), [
      { message: "needs at least 2 zones so that a zone outage leaves capacity; got 1" },
    ]);
    assert.deepEqual(zoneProblems("cn-hangzhou", ["cn-hangzhou-h", "cn-hangzhou-i"], 2), []);
  });
});

describe("rangeProblems", () => {
  it("accepts a private VPC with the service and pod ranges outside it", () => {
    assert.deepEqual(rangeProblems({ vpcCidr: "10.0.0.0/16", serviceCidr: "172.21.0.0/20", podCidr: "172.20.0.0/16" }), []);
  });

  it("names each overlap and a public VPC", () => {
    assert.deepEqual(rangeProblems({ vpcCidr: "172.16.0.0/12", serviceCidr: "172.21.0.0/20", podCidr: "172.21.0.0/16" }), [
      { field: "serviceCidr", message: "'172.21.0.0/20' overlaps the VPC '172.16.0.0/12'; use a block outside it such as '172.21.0.0/20'" },
      { field: "podCidr", message: "'172.21.0.0/16' overlaps the VPC '172.16.0.0/12'" },
      { field: "podCidr", message: "'172.21.0.0/16' overlaps the service CIDR '172.21.0.0/20'" },
    ]);
    assert.deepEqual(rangeProblems({ vpcCidr: "100.64.0.0/16" }), [
      { field: "vpcCidr", message: "'100.64.0.0/16' is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)" },
    ]);
    assert.deepEqual(rangeProblems({ serviceCidr: "172.21.0.0/33" }), [
      {
        field: "serviceCidr",
        message: "'172.21.0.0/33' is not an IPv4 CIDR block such as '10.0.0.0/16': the prefix /33 is larger than /32",
      },
    ]);
  });

  it("never accepts two overlapping ranges (property)", () => {
    const block = fc
      .record({ a: fc.integer({ min: 0, max: 255 }), b: fc.integer({ min: 0, max: 255 }), prefix: fc.integer({ min: 8, max: 24 }) })
      .map(({ a, b, prefix }) => {
        const base = ((10 << 24) | (a << 16) | (b << 8)) >>> 0;
        return formatCidr({ base: base & ((~0 << (32 - prefix)) >>> 0), prefix });
      });
    fc.assert(
      fc.property(block, block, (vpc, service) => {
        const problems = rangeProblems({ vpcCidr: vpc, serviceCidr: service });
        assert.equal(
          problems.some((p) => p.field === "serviceCidr"),
          overlaps(mustParseCidr(vpc), mustParseCidr(service)),
        );
      }),
    );
  });
});

describe("planNatGateways", () => {
  it("gives the environment one gateway in its first zone", () => {
    assert.deepEqual(planNatGateways(ZONES.slice(0, 3), "per-environment"), [
      { role: "nat", zone: "cn-hangzhou-h", serves: ZONES.slice(0, 3) },
    ]);
  });

  it("gives each zone its own, keeping the first zone's name so that switching modes replaces nothing", () => {
    assert.deepEqual(planNatGateways(ZONES.slice(0, 3), "per-zone"), [
      { role: "nat", zone: "cn-hangzhou-h", serves: ["cn-hangzhou-h"] },
      { role: "nat-cn-hangzhou-i", zone: "cn-hangzhou-i", serves: ["cn-hangzhou-i"] },
      { role: "nat-cn-hangzhou-j", zone: "cn-hangzhou-j", serves: ["cn-hangzhou-j"] },
    ]);
  });

  it("serves every zone exactly once, in either mode (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.constantFrom("per-environment" as const, "per-zone" as const), (n, mode) => {
        const zones = zoneNames(n);
        const served = planNatGateways(zones, mode).flatMap((g) => g.serves);
        assert.deepEqual([...served].sort(), [...zones].sort());
        assert.equal(new Set(planNatGateways(zones, mode).map((g) => g.role)).size, mode === "per-zone" ? n : 1);
      }),
    );
  });
});
