/**
 * How long a JVM service needs to start, by the CPU it is guaranteed. The same arithmetic as the
 * workload layer's (components/workload/jvm.ts); a test keeps the two equal. The pack stands
 * alone (the CLI runs it from its own directory), so it states the formula itself.
 */

/** CPU-seconds of a JVM service's start: class loading, JIT of the start-up path, framework wiring. */
export const JVM_STARTUP_CPU_SECONDS = 60;
export const MIN_JVM_STARTUP_SECONDS = 60;
export const MAX_JVM_STARTUP_SECONDS = 600;

/** Seconds a JVM with this CPU request (in cores) needs to start: 60 CPU-seconds over its cores, within 60-600 s. */
export function jvmStartupSeconds(cpuCores: number): number {
  // In whole millicores, as Kubernetes counts CPU, so that 0.3 cores is 200 s and not 201.
  const seconds = Math.ceil((JVM_STARTUP_CPU_SECONDS * 1000) / Math.max(1, Math.round(cpuCores * 1000)));
  return Math.min(MAX_JVM_STARTUP_SECONDS, Math.max(MIN_JVM_STARTUP_SECONDS, seconds));
}
