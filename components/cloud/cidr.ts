/**
 * IPv4 CIDR arithmetic. Pure functions on plain numbers, shared by the network planner, the config
 * schema and the policy pack.
 */

/** A parsed IPv4 block: `base` is the network address as an unsigned 32-bit number. */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

/** Prefixes a network block may have: a VPC or vSwitch is /8 to /29 on Alibaba Cloud. */
export const NETWORK_PREFIXES = { min: 8, max: 29 } as const;

/** Prefixes an allow-list entry may have: down to a single address, never wider than /8. */
export const ALLOW_LIST_PREFIXES = { min: 8, max: 32 } as const;

/**
 * Parses "10.0.0.0/16"; refuses host bits set ("10.0.0.1/16") and prefixes outside `prefixes`
 * (8..29 unless told otherwise).
 */
export function parseCidr(
  text: string,
  prefixes: { readonly min: number; readonly max: number } = NETWORK_PREFIXES,
): Cidr | { error: string } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return { error: "expected four dot-separated numbers and a /prefix" };
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return { error: "each of the four numbers must be 0-255" };
  const prefix = Number(match[5]);
  if (prefix > 32) return { error: `the prefix /${prefix} is larger than /32` };
  if (prefix < prefixes.min || prefix > prefixes.max)
    return { error: `the prefix /${prefix} is outside /${prefixes.min}../${prefixes.max}` };
  const base = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  if ((base & ~maskOf(prefix)) >>> 0 !== 0) {
    return { error: `host bits are set; the block starts at ${formatCidr({ base: base & maskOf(prefix), prefix })}` };
  }
  return { base, prefix };
}

/** Parses a CIDR that is known to be valid (validated at the config edge); throws otherwise. */
export function mustParseCidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if ("error" in parsed) throw new Error(`invalid CIDR '${text}': ${parsed.error}`);
  return parsed;
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
}

/** Number of addresses in a block. */
export function sizeOf(block: Cidr): number {
  return 2 ** (32 - block.prefix);
}

/** "10.0.0.0/16" */
export function formatCidr(block: Cidr): string {
  const b = block.base >>> 0;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${block.prefix}`;
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + sizeOf(a);
  const bEnd = b.base + sizeOf(b);
  return a.base < bEnd && b.base < aEnd;
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + sizeOf(inner) <= outer.base + sizeOf(outer);
}

/** The `index`-th block of size /`prefix` inside `outer` (0-based), or undefined past its end. */
export function subnet(outer: Cidr, prefix: number, index: number): Cidr | undefined {
  if (prefix < outer.prefix) return undefined;
  const count = 2 ** (prefix - outer.prefix);
  if (index < 0 || index >= count) return undefined;
  return { base: (outer.base + index * 2 ** (32 - prefix)) >>> 0, prefix };
}
