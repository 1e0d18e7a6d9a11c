/**
 * Near misses of names, for the "did you mean" of an error: an instance type, a config namespace.
 */

/** Edit distance between two names (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}

/**
 * The candidates nearest to `word`, for a "did you mean": those at the smallest edit distance, if it
 * is at most `most` (2 by default, and less than the word is long), in the candidates' order.
 */
export function closestNames(word: string, candidates: readonly string[], most = 2): string[] {
  let best = Math.min(most, Math.max(0, word.length - 1));
  let found: string[] = [];
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < best || (d === best && found.length === 0)) {
      if (d < best) found = [];
      best = d;
      found.push(c);
    } else if (d === best) found.push(c);
  }
  return found;
}

/** "'a'", "'a' or 'b'", "'a', 'b' or 'c'". */
export function alternatives(names: readonly string[]): string {
  const quoted = names.map((n) => `'${n}'`);
  return quoted.length <= 1 ? (quoted[0] ?? "") : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}
