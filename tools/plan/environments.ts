/**
 * What the offline plan says about the Pulumi ESC environments a stack file imports.
 *
 * `pulumi up` opens them and merges their `pulumiConfig` into the stack's config, mapping by mapping,
 * the stack file's own values first (a list is taken whole from whichever gives it). Offline they
 * cannot be opened, so the plan names them, and says which missing keys they might hold.
 *
 * A secret from an environment looks offline as a secret of the stack file does: its value is never
 * read, only that it is a secret. So a secret config key that the config names and the stack file
 * does not set is, in a stack that imports environments, taken to come from them: it is planned as
 * "[secret]", marked secret, and listed in the plan as assumed. `pulumi up` checks it for real.
 */
import type { ConfigProblem } from "../../stacks/config/errors";

/** The environments of a stack file that the plan could not read. */
export interface UnreadEnvironments {
  /** Imported environments, by name. */
  readonly environments: readonly string[];
  /** Whether the stack file defines environment values of its own. */
  readonly inlineEnvironment: boolean;
}

export function importsEnvironments(s: UnreadEnvironments): boolean {
  return s.environments.length > 0 || s.inlineEnvironment;
}

/** How many sources of config the environments are: a sentence about them says "it" or "them". */
export function environmentCount(s: UnreadEnvironments): number {
  return s.environments.length + (s.inlineEnvironment ? 1 : 0);
}

/** "the ESC environment 'acme/prod'", "the ESC environments 'acme/common' and 'acme/prod'", ... */
export function describeEnvironments(s: UnreadEnvironments, conjunction: "and" | "or" = "and"): string {
  const names = s.environments.map((e) => `'${e}'`);
  const list = names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} ${conjunction} ${names.at(-1)}`;
  const imported = names.length === 0 ? "" : `the ESC environment${names.length === 1 ? "" : "s"} ${list}`;
  const inline = s.inlineEnvironment ? "the environment values inline in the stack file" : "";
  return [imported, inline].filter((t) => t !== "").join(` ${conjunction} `);
}

/**
 * Whether a problem is a key that is missing where an environment could give it: a key reached
 * through mappings only ("region", "registry.endpoint"), not one inside a list of the stack file's.
 * Every missing value is reported as "is required...", by the helpers and by the cross-key checks.
 */
export function mayComeFromEnvironment(problem: ConfigProblem): boolean {
  return /^is required\b/.test(problem.message) && !problem.path.includes("[");
}

/**
 * The problems, each missing key that an environment might hold saying so. An environment imported
 * with `merge: false` gives no config of its own (only through the inline values), so it is not named.
 */
export function withEnvironmentNotes(
  problems: readonly ConfigProblem[],
  s: UnreadEnvironments & { readonly unmergedEnvironments: readonly string[] },
): ConfigProblem[] {
  const sources = { ...s, environments: s.environments.filter((e) => !s.unmergedEnvironments.includes(e)) };
  if (!importsEnvironments(sources)) return [...problems];
  const note = `(it may come from ${describeEnvironments(sources, "or")}, which the offline plan cannot read)`;
  return problems.map((p) => (mayComeFromEnvironment(p) ? { ...p, message: `${p.message} ${note}` } : p));
}
