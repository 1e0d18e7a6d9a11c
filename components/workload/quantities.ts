/**
 * Kubernetes resource quantities: parsing and the checks the field taught us.
 *
 * Pure functions, no Pulumi: the config schema, the Microservice component and the policy pack all
 * use them, so "1GB" is refused with the same words everywhere.
 */

const BINARY_SUFFIXES: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const DECIMAL_SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][-+]?[0-9]+)?$/;

/** Parses a Kubernetes quantity ("512Mi", "0.5", "250m", "1e3") into a plain number of base units. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const suffix = match[2] ?? "";
  if (suffix in BINARY_SUFFIXES) return value * BINARY_SUFFIXES[suffix]!;
  if (suffix in DECIMAL_SUFFIXES) return value * DECIMAL_SUFFIXES[suffix]!;
  if (/^[eE]/.test(suffix)) return value * 10 ** Number(suffix.slice(1));
  return undefined;
}

const MiB = 2 ** 20;

/** Suggests the quantity a user probably meant when they wrote a unit Kubernetes does not know. */
function memoryHint(text: string): string {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)$/.exec(text.trim());
  if (m) {
    const n = Number(m[1]);
    const unit = m[2]!.toLowerCase();
    if (unit === "gb" || unit === "g" || unit === "gib") return `use '${n}Gi' or '${Math.round(n * 1024)}Mi'`;
    if (unit === "mb" || unit === "mib") return `use '${n}Mi'`;
    if (unit === "kb" || unit === "kib") return `use '${n}Ki'`;
  }
  return "use a binary suffix such as '512Mi' or '2Gi'";
}

/** Parses a memory quantity into bytes, or explains what is wrong with it. */
export function parseMemory(text: string): { bytes: number } | { error: string } {
  const bytes = parseQuantity(text);
  if (bytes === undefined || bytes <= 0) {
    return { error: `'${text}' is not a Kubernetes quantity; ${memoryHint(text)}` };
  }
  // "512m" is 0.512 bytes; it is always a typo for "512Mi".
  if (/[0-9]m$/.test(text.trim())) {
    return { error: `'${text}' means millibytes; use '${text.trim().slice(0, -1)}Mi'` };
  }
  return { bytes };
}

/** Parses a CPU quantity into millicores, or explains what is wrong with it. */
export function parseCpu(text: string): { millicores: number } | { error: string } {
  const cores = parseQuantity(text);
  if (cores === undefined || cores <= 0) {
    return { error: `'${text}' is not a CPU quantity; use millicores such as '250m' or cores such as '1' or '0.5'` };
  }
  return { millicores: Math.round(cores * 1000) };
}

/** Smallest memory limit a container may have: below this the field saw swapping and OOM loops. */
export const MIN_MEMORY_BYTES = 64 * MiB;
/** A JVM needs room for metaspace, thread stacks and code cache beyond its heap. */
export const MIN_JVM_MEMORY_BYTES = 256 * MiB;
/** Smallest CPU request: lower values starve the container at start-up. */
export const MIN_CPU_MILLICORES = 10;

/** Formats bytes as the largest whole binary unit ("1536Mi", "2Gi"). */
export function formatMemory(bytes: number): string {
  for (const [suffix, size] of [
    ["Gi", 2 ** 30],
    ["Mi", 2 ** 20],
    ["Ki", 2 ** 10],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${suffix}`;
  }
  return `${Math.round(bytes)}`;
}
