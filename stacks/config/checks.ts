/**
 * Rules that span several keys. Each section file exports a check of this shape; the schema runs
 * them all on whatever parsed, so that one mistake never hides another.
 */
import { show } from "./common";
import type { PartialEnvironment } from "./schema";

export interface CheckContext {
  /** Reports a problem at a key path, e.g. ["services", 3, "canary", "weight"]. */
  report(path: PropertyKey[], message: string, detail?: { readonly secretKey?: string }): void;
  /** Names of this stack's secret config keys. */
  readonly secretKeys: ReadonlySet<string>;
  /** Whether a path relative to the project directory exists. */
  fileExists(relativePath: string): boolean;
  /** The value at a key path as the stack file wrote it, before defaults (undefined where it says nothing). */
  raw?(path: readonly PropertyKey[]): unknown;
}

export type Check = (env: PartialEnvironment, ctx: CheckContext) => void;

/** A key that names a secret must name one that is set, as a secret. */
export function checkSecretRef(ctx: CheckContext, path: PropertyKey[], key: string | undefined): void {
  if (key !== undefined && !ctx.secretKeys.has(key)) {
    ctx.report(path, `names the secret ${show(key)}, which is not set as a secret; run \`pulumi config set --secret ${key} <value>\``, {
      secretKey: key,
    });
  }
}
