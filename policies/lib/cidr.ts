/** IPv4 CIDR arithmetic for the network rules. */

function ipToNumber(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** [first, last] address of a block such as "10.0.0.0/16", or undefined if it is not one. */
export function cidrRange(cidr: string): [number, number] | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  if (!m || Number(m[2]) > 32) return undefined;
  const ip = ipToNumber(m[1]!);
  if (ip === undefined) return undefined;
  const size = 2 ** (32 - Number(m[2]));
  const first = Math.floor(ip / size) * size;
  return [first, first + size - 1];
}

/** Whether `outer` contains all of `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const a = cidrRange(outer);
  const b = cidrRange(inner);
  return a !== undefined && b !== undefined && a[0] <= b[0] && b[1] <= a[1];
}
