import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { show } from "./common";

/** One problem in a stack's config: the key path, and a sentence naming the value and what is accepted. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
  /** The secret config key the problem is about, when the config names one that is not set. */
  readonly secretKey?: string;
}

/**
 * Every problem found in a stack's config, reported together.
 *
 * It extends `pulumi.RunError` so that `pulumi up` prints the messages without a stack trace; the
 * offline plan recognises it and exits with status 2.
 */
export class ConfigError extends pulumi.RunError {
  readonly problems: readonly ConfigProblem[];
  readonly stack: string;

  constructor(stack: string, problems: readonly ConfigProblem[]) {
    super(
      `stack '${stack}' has ${problems.length} config problem${problems.length === 1 ? "" : "s"}; nothing was declared:\n` +
        problems.map((p) => `  ${p.path}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
    this.stack = stack;
    this.problems = problems;
  }

  /** Recognises a ConfigError even across module copies (the policy pack has its own). */
  static isInstance(err: unknown): err is ConfigError {
    return err instanceof Error && err.name === "ConfigError" && Array.isArray((err as ConfigError).problems);
  }
}

/** "services[3].canary.weight" from ["services", 3, "canary", "weight"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(config)" : out;
}

/** Turns zod issues into problems. Our own helpers already phrase their messages; zod's get rephrased. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      // `section()` in common.ts phrases this issue as the list of keys it accepts.
      const accepted = issue.message.startsWith("accepted keys") ? `; ${issue.message}` : "";
      for (const key of issue.keys) {
        problems.push({ path: formatPath([...path, key]), message: `is not a known key${accepted}` });
      }
      continue;
    }
    problems.push({ path: formatPath(path), message: messageOf(issue) });
  }
  return problems;
}

function messageOf(issue: z.core.$ZodIssue): string {
  // Messages set by our own helpers are already phrased for users; zod's defaults are rephrased.
  if (!/^(Invalid|Too (small|big)|Unrecognized)/.test(issue.message)) return issue.message;
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined || input === null) return `is required: ${article(issue.expected)}`;
      return `${show(input)} is not ${article(issue.expected)}`;
    case "invalid_value":
      return `${show(input)} is not one of: ${issue.values.map((v) => String(v)).join(", ")}`;
    case "too_small":
      return `${show(input)} is too small; the minimum is ${String(issue.minimum)}`;
    case "too_big":
      return `${show(input)} is too large; the maximum is ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  switch (expected) {
    case "object":
      return "a mapping of keys to values";
    case "array":
      return "a list";
    case "record":
      return "a mapping of names to strings";
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "true or false";
    default:
      return expected;
  }
}
