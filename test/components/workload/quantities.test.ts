import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatMemory, parseCpu, parseMemory, parseQuantity } from "../../../components/workload/quantities";

describe("quantities", () => {
  for (const [text, value] of [
    ["512Mi", 512 * 2 ** 20],
    ["2Gi", 2 * 2 ** 30],
    ["1G", 1e9],
    ["250m", 0.25],
    ["0.5", 0.5],
    ["1e3", 1000],
    ["100Ki", 102400],
  ] as const) {
    it(`parses '${text}'`, () => assert.equal(parseQuantity(text), value));
  }

  it("refuses what Kubernetes refuses, with the quantity the user meant", () => {
    assert.deepEqual(parseMemory("1GB"), { error: "'1GB' is not a Kubernetes quantity; use '1Gi' or '1024Mi'" });
    assert.deepEqual(parseMemory("512MB"), { error: "'512MB' is not a Kubernetes quantity; use '512Mi'" });
    assert.deepEqual(parseMemory("512m"), { error: "'512m' means millibytes; use '512Mi'" });
    assert.deepEqual(parseMemory("lots"), { error: "'lots' is not a Kubernetes quantity; use a binary suffix such as '512Mi' or '2Gi'" });
    assert.deepEqual(parseCpu("2 cores"), {
      error: "'2 cores' is not a CPU quantity; use millicores such as '250m' or cores such as '1' or '0.5'",
    });
    assert.deepEqual(parseCpu("1500m"), { millicores: 1500 });
  });

  it("formats memory in the largest whole unit", () => {
    assert.equal(formatMemory(1536 * 2 ** 20), "1536Mi");
    assert.equal(formatMemory(2 * 2 ** 30), "2Gi");
    assert.equal(formatMemory(64 * 2 ** 20), "64Mi");
  });
});
