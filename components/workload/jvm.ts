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

/**
 * CPU-seconds a JVM service spends starting: class loading, JIT compilation of the start-up path,
 * framework wiring (a Spring Boot service of a few hundred beans). Measured services start in
 * 15-40 s on one core; 60 leaves room for the slow ones.
 */
export const JVM_STARTUP_CPU_SECONDS = 60;
/** The shortest start-up window: below one core's worth, start-up is bound by I/O and locks, not CPU. */
export const MIN_JVM_STARTUP_SECONDS = 60;
/** The longest: a start-up window past ten minutes hides a hang. */
export const MAX_JVM_STARTUP_SECONDS = 600;

/**
 * Seconds a JVM service with this CPU request is given to start before liveness may restart it:
 * its start-up work divided by the cores it is guaranteed, within 60-600 s. A 250m JVM gets 240 s,
 * 500m 120 s, one core and more 60 s. The request, not the limit, is what the node guarantees when
 * every pod on it starts at once (a node replaced, a zone recovering).
 */
export function jvmStartupSeconds(cpuMillicores: number): number {
  const seconds = Math.ceil((JVM_STARTUP_CPU_SECONDS * 1000) / Math.max(1, cpuMillicores));
  return Math.min(MAX_JVM_STARTUP_SECONDS, Math.max(MIN_JVM_STARTUP_SECONDS, seconds));
}
