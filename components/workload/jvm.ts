/**
 * Heap sizing for JVM services. A JVM that sizes its heap from the node's memory instead of the
 * container's limit grows past the limit and is OOM-killed in a loop; one that takes too large a
 * share of a small limit leaves no room for metaspace, thread stacks and the code cache.
 */

const MiB = 2 ** 20;

/**
 * Share of the container's memory limit given to the heap: larger limits can give a larger share
 * because the JVM's non-heap memory grows much more slowly than the heap.
 */
export function heapPercent(memoryLimitBytes: number): number {
  if (memoryLimitBytes >= 4096 * MiB) return 75;
  if (memoryLimitBytes >= 1024 * MiB) return 70;
  return 60;
}

/**
 * JAVA_TOOL_OPTIONS for a container with this memory limit: heap as a share of the limit (every
 * JVM from 10 reads the cgroup limit), the initial heap at half of it so start-up does not page in
 * the whole heap, and exit on OutOfMemoryError so Kubernetes restarts the pod instead of leaving a
 * half-dead JVM serving errors.
 */
export function jvmToolOptions(memoryLimitBytes: number): string {
  const max = heapPercent(memoryLimitBytes);
  return [
    `-XX:MaxRAMPercentage=${max.toFixed(1)}`,
    `-XX:InitialRAMPercentage=${(max / 2).toFixed(1)}`,
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:+UseContainerSupport",
  ].join(" ");
}
