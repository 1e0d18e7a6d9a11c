import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jvmHeapSized } from "../../../../policies/rules";
import { check, container, deployment } from "../../helpers";

/** The first container of a workload's pod template. */
const web = (d: any) => d.spec.template.spec.containers[0];

describe("jvm-heap-sized", () => {
  const jvm = (env: Array<Record<string, unknown>>, change?: (d: any) => void) =>
    deployment((d) => {
      d.metadata.annotations = { "ack-platform/runtime": "jvm" };
      web(d).env = env;
      change?.(d);
    });
  it("passes a heap sized by percentage or by -Xmx within the limit, and services not declared JVM", () => {
    assert.deepEqual(
      check(jvmHeapSized, [
        jvm([{ name: "JAVA_TOOL_OPTIONS", value: "-XX:+UseG1GC -XX:MaxRAMPercentage=75.0" }]),
        jvm([{ name: "JAVA_OPTS", value: "-Xmx384m" }]),
        deployment(),
      ]),
      [],
    );
  });
  it("reads the annotation on the pod template too", () => {
    const onTemplate = deployment((d) => (d.spec.template.metadata.annotations = { "ack-platform/runtime": "jvm" }));
    assert.equal(check(jvmHeapSized, onTemplate).length, 1);
  });
  it("names a JVM whose heap is not sized", () => {
    assert.deepEqual(check(jvmHeapSized, jvm([])), [
      "container 'web' runs a JVM (ack-platform/runtime: jvm) whose heap is not sized; set JAVA_TOOL_OPTIONS to '-XX:MaxRAMPercentage=75.0', so the heap follows its 512Mi memory limit",
    ]);
  });
  it("names an -Xmx that leaves the JVM too little of its limit", () => {
    assert.deepEqual(check(jvmHeapSized, jvm([{ name: "JAVA_TOOL_OPTIONS", value: "-Xmx512m" }])), [
      "container 'web' sets -Xmx512m, 100% of its 512Mi memory limit; keep the heap at most 80% of the limit, e.g. -XX:MaxRAMPercentage=75.0",
    ]);
  });
  it("names an -Xmx that is not a JVM size", () => {
    assert.deepEqual(check(jvmHeapSized, jvm([{ name: "JAVA_TOOL_OPTIONS", value: "-Xmx1.5g" }])), [
      "container 'web' sets -Xmx1.5g, which is not a JVM size such as '768m'; keep the heap at most 80% of the limit, e.g. -XX:MaxRAMPercentage=75.0",
    ]);
  });
  it("names a MaxRAMPercentage above 80", () => {
    assert.deepEqual(check(jvmHeapSized, jvm([{ name: "JAVA_TOOL_OPTIONS", value: "-XX:MaxRAMPercentage=90.0" }])), [
      "container 'web' sets -XX:MaxRAMPercentage=90.0; keep the heap at most 80% of the limit, e.g. -XX:MaxRAMPercentage=75.0",
    ]);
  });
  it("names a JVM without a memory limit", () => {
    assert.deepEqual(
      check(
        jvmHeapSized,
        jvm([], (d) => delete web(d).resources.limits),
      ),
      [
        "container 'web' runs a JVM but has no memory limit to size its heap from; set resources.limits.memory and -XX:MaxRAMPercentage=75.0",
      ],
    );
  });
  it("judges the container kubectl.kubernetes.io/default-container names", () => {
    const withSidecar = jvm([], (d) => {
      d.spec.template.metadata.annotations = { "kubectl.kubernetes.io/default-container": "app" };
      d.spec.template.spec.containers.push({ ...container("app"), env: [{ name: "JAVA_TOOL_OPTIONS", value: "-XX:MaxRAMPercentage=70" }] });
    });
    assert.deepEqual(check(jvmHeapSized, withSidecar), []);
  });
});
