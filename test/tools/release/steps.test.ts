import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nextMove } from "../../../tools/release/steps";
import { DEV, PROD, parseConfig } from "../../stacks/configFixtures";

const GATES = { minRequests: 100, maxErrorPercent: 1 };
const BASE = {
  name: "catalog",
  version: "2.14.0",
  resources: { cpu: "500m", memory: "768Mi" },
  route: { host: "api.acme.example.com", path: "/catalog" },
};

/** The move of one service in an environment. */
function move(base: Record<string, unknown>, service: Record<string, unknown>, approved = false) {
  const env = parseConfig({ ...base, services: [{ ...BASE, ...service }] });
  const { settings: _settings, ...rest } = nextMove("prod", env, env.services[0]!, approved) as Record<string, unknown>;
  return rest;
}
const canary = (weight: number, extra: Record<string, unknown> = {}) => ({
  canary: { version: "2.15.0", weight, steps: [10, 25, 50, 100], analysis: GATES, ...extra },
});

describe("nextMove: a canary", () => {
  it("takes the next step, judged on the canary beside the stable track, and rolls back to weight 0", () => {
    assert.deepEqual(move(PROD, canary(10)), {
      kind: "judge",
      part: "canary",
      judged: "canary",
      other: "stable",
      from: "canary 10%",
      next: "canary 25%",
      back: "canary 0%",
      advance: { kind: "weight", weight: 25 },
      rollback: { kind: "weight", weight: 0 },
      needsApproval: false,
    });
  });

  it("promotes after its last step through the helper's staged promotion, approved by a person where the stack says so", () => {
    const promote = move(PROD, canary(50));
    assert.deepEqual(
      [promote["next"], promote["advance"], promote["needsApproval"]],
      ["canary 100% (promotion step 1 of 3)", { kind: "promote" }, true],
    );
    assert.equal(move(PROD, canary(50), true)["needsApproval"], false, "approved");
    assert.equal(move(DEV, canary(50))["needsApproval"], false, "dev approves automatically");
    assert.equal(move(DEV, canary(50, { approval: "manual" }))["needsApproval"], true, "unless the service asks for a person");
    assert.equal(move(PROD, canary(25))["needsApproval"], false, "only the promotion waits");
  });

  it("beside legacy backends, the promotion gives the canary what the VMs leave", () => {
    const m = move(PROD, { ...canary(25, { steps: [10, 25, 100] }), legacy: { endpoints: ["10.0.8.21:8080"], weight: 40 } });
    assert.equal(m["next"], "canary 60% (promotion step 1 of 3)");
    const full = move(PROD, { ...canary(60, { steps: [10, 25, 100] }), legacy: { endpoints: ["10.0.8.21:8080"], weight: 40 } });
    assert.equal(full["from"], "canary 60% (promotion step 1 of 3)");
  });

  it("at full weight, hands over; at the handover, is judged on the stable track and cannot be rolled back by an edit", () => {
    assert.deepEqual(move(PROD, canary(100)), {
      kind: "judge",
      part: "canary",
      judged: "canary",
      other: "stable",
      from: "canary 100% (promotion step 1 of 3)",
      next: "promotion step 2 of 3 (the stable track takes 2.15.0 over)",
      back: "canary 0%",
      advance: { kind: "promote" },
      rollback: { kind: "weight", weight: 0 },
      needsApproval: false,
    });
    assert.deepEqual(move(PROD, { ...canary(0), version: "2.15.0" }), {
      kind: "judge",
      part: "canary",
      judged: "stable",
      from: "promotion step 2 of 3 (stable 2.15.0)",
      next: "promotion step 3 of 3 (the canary goes)",
      back: "the previous version, by hand: the stable track already runs 2.15.0; set version back (git log -p on the stack file shows it)",
      advance: { kind: "promote" },
      needsApproval: false,
    });
  });

  it("leaves a canary at weight 0 alone: rolled back, or not started", () => {
    assert.deepEqual(move(PROD, canary(0)), {
      kind: "stopped",
      line: "catalog: canary 2.15.0 at weight 0 is not a step (rolled back, or not started): nothing judged; a person starts it with npm run release -- prod catalog --weight 10",
    });
  });

  it("moves nothing without steps, and moves the canary before the legacy weight", () => {
    assert.deepEqual(move(PROD, { canary: { version: "2.15.0", weight: 10 } }), { kind: "none" });
    const both = move(PROD, { ...canary(10), legacy: { endpoints: ["10.0.8.21:8080"], weight: 40, steps: [40, 0], analysis: GATES } });
    assert.equal(both["part"], "canary");
  });
});

describe("nextMove: a legacy migration", () => {
  const legacy = (weight: number, extra: Record<string, unknown> = {}) => ({
    legacy: { endpoints: ["10.0.8.21:8080"], weight, steps: [90, 50, 10, 0], analysis: GATES, ...extra },
  });

  it("lowers the legacy weight step by step on the Kubernetes build's numbers, back one step on a breach", () => {
    assert.deepEqual(move(PROD, legacy(50)), {
      kind: "judge",
      part: "legacy",
      judged: "stable",
      from: "legacy 50%",
      next: "legacy 10%",
      back: "legacy 90%",
      advance: { kind: "legacy-weight", weight: 10 },
      rollback: { kind: "legacy-weight", weight: 90 },
      needsApproval: false,
    });
    assert.deepEqual(
      move(PROD, legacy(90))["rollback"],
      { kind: "legacy-weight", weight: 100 },
      "from the first step: everything back on the VMs",
    );
  });

  it("asks a person before the last share leaves the VMs (in prod), and stops at the last step or outside the steps", () => {
    assert.equal(move(PROD, legacy(10))["needsApproval"], true);
    assert.equal(move(DEV, legacy(10))["needsApproval"], false);
    assert.deepEqual(move(PROD, legacy(0)), {
      kind: "stopped",
      line: "catalog: legacy weight 0 is the last step: nothing judged; once the VMs are idle, npm run release -- prod catalog --retire-legacy",
    });
    assert.deepEqual(move(PROD, legacy(100)), {
      kind: "stopped",
      line: "catalog: legacy weight 100 is not a step (rolled back, or not started): nothing judged; a person starts it with npm run release -- prod catalog --legacy-weight 90",
    });
  });
});
