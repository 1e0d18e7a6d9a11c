/**
 * Kubernetes resource quantities, parsed the way the API server reads them. The pack keeps its own
 * parser (rather than the platform's) so that it can judge resources any program declares.
 */

const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Readonly<Record<string, number>> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E))?$/;

/** The value of a quantity ("512Mi", "0.5", "250m", "1e3") in base units, or undefined if it is not one. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = QUANTITY.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n * BINARY[m[2]]!;
  if (m[3]) return n * 10 ** Number(m[3].slice(1));
  return n * DECIMAL[m[4] ?? ""]!;
}

/** CPU in cores ("250m" is 0.25). */
export function cpuCores(value: unknown): number | undefined {
  return parseQuantity(value);
}

/** Memory in bytes ("512Mi" is 536870912). */
export function memoryBytes(value: unknown): number | undefined {
  return parseQuantity(value);
}

/** Bytes as a person writes them: "512Mi", "1.5Gi". */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ["Ti", 2 ** 40],
    ["Gi", 2 ** 30],
    ["Mi", 2 ** 20],
    ["Ki", 2 ** 10],
  ] as const) {
    if (bytes >= size) return `${trim(bytes / size)}${unit}`;
  }
  return `${trim(bytes)}`;
}

/** Cores as a count of vCPUs: "0.25", "2", "12.5". */
export function formatCores(cores: number): string {
  return String(Math.round(cores * 100) / 100);
}

function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}
