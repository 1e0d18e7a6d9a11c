/**
 * The problems the platform's components report before they declare anything: each names the
 * field, the value given and what is accepted, and a component reports all of them at once.
 */

/** One problem with a component's args: the field (a path in the args) and what is wrong with it. */
export interface Problem {
  readonly field: string;
  readonly message: string;
}

/** A value shown the way the config or the code wrote it. */
export function showValue(value: unknown): string {
  return typeof value === "string" ? `'${value}'` : JSON.stringify(value);
}

/** "'2Gi' is not at least '20Gi', ...": a value that is not accepted. */
export function notAccepted(field: string, value: unknown, accepted: string): Problem {
  return { field, message: `${showValue(value)} is not ${accepted}` };
}

/** A field that must be given, and why. */
export function missing(field: string, why: string): Problem {
  return { field, message: `is required ${why}` };
}

/** Collects problems: `fail(field, value, accepted)` for a refused value. */
export function problemList(): { problems: Problem[]; fail: (field: string, value: unknown, accepted: string) => void } {
  const problems: Problem[] = [];
  return { problems, fail: (field, value, accepted) => problems.push(notAccepted(field, value, accepted)) };
}

/** Throws one error listing every problem, "<Component> <field>: <message>"; nothing when there are none. */
export function throwProblems(component: string, problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  throw new Error(problems.map((p) => `${component} ${p.field}: ${p.message}`).join("\n"));
}
