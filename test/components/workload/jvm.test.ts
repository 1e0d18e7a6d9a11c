import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { heapPercent, jvmToolOptions } from "../../../components/workload/jvm";

const Mi = 2 ** 20;

describe("JVM heap sizing", () => {
  for (const [memory, percent] of [
    [256 * Mi, 60],
    [768 * Mi, 60],
    [1024 * Mi, 70],
    [2048 * Mi, 70],
    [4096 * Mi, 75],
    [16384 * Mi, 75],
  ] as const) {
    it(`gives the heap ${percent}% of a ${memory / Mi}Mi limit`, () => assert.equal(heapPercent(memory), percent));
  }

  it("sizes the heap from the container limit and exits on OutOfMemoryError", () => {
    assert.equal(
      jvmToolOptions(2048 * Mi),
      "-XX:MaxRAMPercentage=70.0 -XX:InitialRAMPercentage=35.0 -XX:+ExitOnOutOfMemoryError -XX:+UseContainerSupport",
    );
  });
});
