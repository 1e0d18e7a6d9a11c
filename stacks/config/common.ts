/**
 * Building blocks for the environment schema. Every helper here sets its own message, phrased as
 * "<value given> is not <what is accepted>", so that the error formatter only has to prefix the key.
 */
import { z } from "zod";
import { parseCpu, parseMemory } from "../../components/workload/quantities";
import { parseCidr } from "../../components/cloud/cidr";

/** The four kinds of environment; defaults are chosen per kind. */
export const ENVIRONMENT_KINDS = ["local", "dev", "staging", "prod"] as const;
export type EnvironmentKind = (typeof ENVIRONMENT_KINDS)[number];

/** Renders a value the way a user wrote it in YAML, for error messages. */
export function show(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (value === undefined) return "nothing";
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
}

/**
 * A value checked by `accept`, which returns the parsed value, or a sentence saying what is wrong
 * with it. A missing value reads "is required: <accepted>"; a wrong one "<value> is not <accepted>".
 */
export function rule<T>(accepted: string, accept: (value: unknown) => T | { error: string } | undefined) {
  return z.unknown().transform((value, ctx): T => {
    if (value === undefined || value === null) {
      ctx.addIssue({ code: "custom", message: `is required: ${accepted}`, input: value });
      return z.NEVER;
    }
    const result = accept(value);
    const failure = isFailure(result) ? result.error : result === undefined ? `${show(value)} is not ${accepted}` : undefined;
    if (failure !== undefined) {
      const why = failure;
      ctx.addIssue({ code: "custom", message: why, input: value });
      return z.NEVER;
    }
    return result as T;
  });
}

function isFailure(result: unknown): result is { error: string } {
  return typeof result === "object" && result !== null && "error" in result;
}

/** An integer in [min, max]: "150 is not between 0 and 100". */
export function intBetween(min: number, max: number) {
  const accepted = max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `between ${min} and ${max}`;
  return rule(accepted, (v) => (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v : undefined));
}

/** An integer of at least `min`. */
export function intAtLeast(min: number) {
  return intBetween(min, Number.MAX_SAFE_INTEGER);
}

/** One of a fixed set of strings: "'blue' is not one of: local, dev, staging, prod". */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return rule(`one of: ${values.join(", ")}`, (v) => (typeof v === "string" && values.includes(v) ? (v as T[number]) : undefined));
}

/** A string matching a pattern, with the pattern explained in words. */
export function matching(pattern: RegExp, accepted: string) {
  return rule(accepted, (v) => (typeof v === "string" && pattern.test(v) ? v : undefined));
}

/** A boolean; refuses the quoted "true" that YAML authors sometimes write by accident. */
export function bool() {
  return rule("true or false", (v) => (typeof v === "boolean" ? v : undefined));
}

/** An IPv4 CIDR block such as "10.0.0.0/16". */
export function cidr() {
  return rule("an IPv4 CIDR block such as '10.0.0.0/16'", (v) => {
    if (typeof v !== "string") return undefined;
    const parsed = parseCidr(v);
    return "error" in parsed ? { error: `${show(v)} is not an IPv4 CIDR block such as '10.0.0.0/16': ${parsed.error}` } : v;
  });
}

/** A Kubernetes memory quantity ("512Mi"); "1GB" is refused with the quantity the user meant. */
export function memory() {
  return rule("a memory quantity such as '512Mi' or '2Gi'", (v) => {
    if (typeof v !== "string") return undefined;
    const parsed = parseMemory(v);
    return "error" in parsed ? parsed : v;
  });
}

/** A Kubernetes CPU quantity ("250m", "1"). */
export function cpu() {
  return rule("a CPU quantity such as '250m' or '1'", (v) => {
    if (typeof v !== "string" && typeof v !== "number") return undefined;
    const parsed = parseCpu(String(v));
    return "error" in parsed ? parsed : String(v);
  });
}

/** A DNS-1123 label (Kubernetes object names): lower case, digits and '-', at most `max` characters. */
export function dnsLabel(max = 63) {
  return matching(
    new RegExp(`^(?=.{1,${max}}$)[a-z]([-a-z0-9]*[a-z0-9])?$`),
    `a name of 1 to ${max} characters of a-z, 0-9 and '-', starting with a letter`,
  );
}

/** A DNS host name such as "api.example.com" (a wildcard is allowed as the first label). */
export function hostname() {
  return matching(/^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "a lower-case host name such as 'api.example.com'");
}

/** A non-empty string without surrounding spaces. */
export function text(accepted = "a non-empty string") {
  return rule(accepted, (v) => (typeof v === "string" && v.trim() !== "" && v.trim() === v ? v : undefined));
}

/** The name of another (secret) key of this stack's config, e.g. "grafanaAdminPassword". */
export function secretKeyName() {
  return matching(
    /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/,
    "the name of a secret key of this stack's config, set with `pulumi config set --secret <name> <value>`",
  );
}

/** A list of `item`; `min` entries at least. */
export function listOf<T extends z.ZodType>(item: T, min = 0, what = "entry") {
  return z
    .array(item, { error: (iss) => (iss.input === undefined ? `is required: a list` : `${show(iss.input)} is not a list`) })
    .check((ctx) => {
      if (ctx.value.length < min) {
        ctx.issues.push({
          code: "custom",
          message: `needs at least ${min} ${what}${min === 1 ? "" : what.endsWith("y") ? "" : "s"}, got ${ctx.value.length}`,
          input: ctx.value,
        });
      }
    });
}

/** A label or annotation map with string values. */
export function stringMap() {
  return z.record(z.string(), z.string());
}

/**
 * A config section: a strict object whose unknown keys are refused with the list of keys it accepts,
 * so that a typo ("canry") is caught instead of silently ignored.
 */
export function section<T extends z.core.$ZodLooseShape>(shape: T) {
  const keys = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === "unrecognized_keys") return `accepted keys here: ${keys}`;
      if (iss.code === "invalid_type") {
        return iss.input === undefined
          ? "is required: a mapping with keys " + keys
          : `${show(iss.input)} is not a mapping with keys ${keys}`;
      }
      return undefined;
    },
  });
}
