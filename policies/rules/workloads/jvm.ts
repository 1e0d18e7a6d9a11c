/** The rule that sizes a JVM's heap from its container's memory limit. */
import { describeContainer, mainContainer, podTemplateOf, RUNTIME_ANNOTATION, workloadAnnotation } from "../../lib/kubernetes";
import { asArray } from "../../lib/policy";
import { formatBytes, memoryBytes } from "../../lib/quantities";
import { workloadRule } from "../../lib/workloadRule";
import { resourcesOf } from "./resources";

const JAVA_OPTION_VARIABLES = ["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS", "_JAVA_OPTIONS"];
/** Share of the memory limit the heap may take; the JVM needs the rest for metaspace, threads and buffers. */
const MAX_HEAP_SHARE = 0.8;

/** Bytes of a JVM size ("512m", "2g", "1048576"). */
function jvmBytes(size: string): number | undefined {
  const m = /^(\d+)([kKmMgGtT]?)$/.exec(size);
  if (!m) return undefined;
  const unit = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g" | "t"];
  return Number(m[1]) * unit;
}

export const jvmHeapSized = workloadRule(
  {
    name: "jvm-heap-sized",
    description:
      "A JVM that sizes its heap from defaults instead of the container's limit is either starved or killed for memory and restart-loops.",
    severity: "high",
  },
  (props, args, report) => {
    if (workloadAnnotation(args.type, props, RUNTIME_ANNOTATION) !== "jvm") return;
    const c = mainContainer(podTemplateOf(args.type, props));
    if (!c) return;
    const limitText = resourcesOf(c).limits["memory"];
    const limit = memoryBytes(limitText);
    if (limit === undefined) {
      report(
        `${describeContainer(c)} runs a JVM but has no memory limit to size its heap from; set resources.limits.memory and -XX:MaxRAMPercentage=75.0`,
      );
      return;
    }
    const options: string[] = [];
    for (const env of asArray(c.spec["env"])) {
      if (!JAVA_OPTION_VARIABLES.includes(String(env?.["name"]))) continue;
      // Options from a ConfigMap or Secret cannot be read here; the heap is then taken to be sized there.
      if (env?.["valueFrom"] !== undefined) return;
      if (typeof env?.["value"] === "string") options.push(...env["value"].split(/\s+/));
    }
    const xmx = options.map((o) => /^-Xmx(.+)$/.exec(o)?.[1]).find((v) => v !== undefined);
    const percentage = options.map((o) => /^-XX:MaxRAMPercentage=([\d.]+)$/.exec(o)?.[1]).find((v) => v !== undefined);
    const maxRam = options.map((o) => /^-XX:MaxRAM=(.+)$/.exec(o)?.[1]).find((v) => v !== undefined);
    const fix = `keep the heap at most ${MAX_HEAP_SHARE * 100}% of the limit, e.g. -XX:MaxRAMPercentage=75.0`;
    if (xmx !== undefined) {
      const heap = jvmBytes(xmx);
      if (heap === undefined) report(`${describeContainer(c)} sets -Xmx${xmx}, which is not a JVM size such as '768m'; ${fix}`);
      else if (heap > limit * MAX_HEAP_SHARE) {
        report(
          `${describeContainer(c)} sets -Xmx${xmx}, ${Math.round((heap / limit) * 100)}% of its ${formatBytes(limit)} memory limit; ${fix}`,
        );
      }
    } else if (percentage !== undefined) {
      if (Number(percentage) > MAX_HEAP_SHARE * 100) report(`${describeContainer(c)} sets -XX:MaxRAMPercentage=${percentage}; ${fix}`);
    } else if (maxRam === undefined) {
      report(
        `${describeContainer(c)} runs a JVM (${RUNTIME_ANNOTATION}: jvm) whose heap is not sized; set JAVA_TOOL_OPTIONS to '-XX:MaxRAMPercentage=75.0', so the heap follows its ${formatBytes(limit)} memory limit`,
      );
    }
  },
);
