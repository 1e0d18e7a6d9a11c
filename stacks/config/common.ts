/**
 * Building blocks for the environment schema. Every helper here sets its own message, phrased as
 * "<value given> is not <what is accepted>", so that the error formatter only has to prefix the key.
 */
import { z } from "zod";
import { parseCpu, parseMemory } from "../../components/workload/quantities";
import { NETWORK_PREFIXES, parseCidr } from "../../components/cloud/cidr";

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
 * A JSON Schema (draft-07) fragment: what a value accepts, in the terms editors understand.
 *
 * `npm run schema` writes schema/stack.schema.json from the zod schema, and a check written as code
 * (every `rule()`) is invisible to it: each helper below states beside its check what it accepts as
 * JSON Schema. A fragment may be looser than the check (the host bits of a CIDR cannot be written
 * as a pattern), never stricter: an editor must not flag a value the stack accepts.
 */
export type JsonSchema = { [keyword: string]: unknown };

/** A fragment, or one built from the JSON Schema of other zod schemas (when code picks among them). */
export type JsonSchemaSource = JsonSchema | ((jsonSchemaOf: (schema: z.ZodType) => JsonSchema) => JsonSchema);

const JSON_SCHEMAS = new WeakMap<z.core.$ZodType, JsonSchemaSource>();

/** Declares what `schema` accepts in JSON Schema terms, for the schema generator; returns `schema`. */
export function withJsonSchema<S extends z.core.$ZodType>(schema: S, jsonSchema: JsonSchemaSource): S {
  JSON_SCHEMAS.set(schema, jsonSchema);
  return schema;
}

/** The JSON Schema declared for `schema` with `withJsonSchema`, if any. */
export function declaredJsonSchema(schema: z.core.$ZodType): JsonSchemaSource | undefined {
  return JSON_SCHEMAS.get(schema);
}

/**
 * A value checked by `accept`, which returns the parsed value, or a sentence saying what is wrong
 * with it. A missing value reads "is required: <accepted>"; a wrong one "<value> is not <accepted>".
 * `jsonSchema` says the same for editors (type, enum, pattern, range); `accepted` is its description.
 */
export function rule<T>(accepted: string, accept: (value: unknown) => T | { error: string } | undefined, jsonSchema: JsonSchema = {}) {
  const schema = z.unknown().transform((value, ctx): T => {
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
  return withJsonSchema(schema, { description: accepted, ...jsonSchema });
}

function isFailure(result: unknown): result is { error: string } {
  return typeof result === "object" && result !== null && "error" in result;
}

/** An integer in [min, max]: "150 is not between 0 and 100". */
export function intBetween(min: number, max: number) {
  const accepted = max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `between ${min} and ${max}`;
  return rule(accepted, (v) => (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v : undefined), {
    type: "integer",
    minimum: min,
    ...(max === Number.MAX_SAFE_INTEGER ? {} : { maximum: max }),
  });
}

/**
 * An integer whose limits a component states and checks, in its own words (componentChecks.ts): the
 * config restates no limit, so they cannot drift. (The JSON Schema then gives editors no bounds: it
 * refuses only what the config's own parse refuses.)
 */
export function integer() {
  return rule("an integer", (v) => (typeof v === "number" && Number.isInteger(v) ? v : undefined), { type: "integer" });
}

/**
 * A string of the form a component states: `pattern` is the component's own constant, checked here
 * too so that editors (JSON Schema) refuse exactly what the config does. Without a pattern the
 * component alone judges the form, in its own words.
 */
export function textFor(accepted: string, pattern?: RegExp) {
  return rule(accepted, (v) => (typeof v === "string" && (pattern === undefined || pattern.test(v)) ? v : undefined), {
    type: "string",
    ...(pattern && pattern.flags === "" ? { pattern: pattern.source } : {}),
  });
}

/**
 * One of `values`, a component's own list, which the component checks in its own words (with its
 * other problems at once). Editors get the values as completions (JSON Schema `examples`); the
 * schema refuses no string, as the config's own parse does not.
 */
export function memberOf<const T extends readonly [string, ...string[]]>(values: T) {
  return rule(`one of: ${values.join(", ")}`, (v) => (typeof v === "string" ? (v as T[number]) : undefined), {
    type: "string",
    examples: [...values],
  });
}

/** A number (not only whole) in [min, max]: "120 is not a number between 0 and 100". */
export function numberBetween(min: number, max: number) {
  return rule(
    `a number between ${min} and ${max}`,
    (v) => (typeof v === "number" && Number.isFinite(v) && v >= min && v <= max ? v : undefined),
    { type: "number", minimum: min, maximum: max },
  );
}

/** An integer of at least `min`. */
export function intAtLeast(min: number) {
  return intBetween(min, Number.MAX_SAFE_INTEGER);
}

/** One of a fixed set of strings: "'blue' is not one of: local, dev, staging, prod". */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return rule(`one of: ${values.join(", ")}`, (v) => (typeof v === "string" && values.includes(v) ? (v as T[number]) : undefined), {
    type: "string",
    enum: [...values],
  });
}

/** A string matching a pattern, with the pattern explained in words. */
export function matching(pattern: RegExp, accepted: string) {
  // JSON Schema patterns have no flags: a pattern with flags is described in words only.
  return rule(accepted, (v) => (typeof v === "string" && pattern.test(v) ? v : undefined), {
    type: "string",
    ...(pattern.flags === "" ? { pattern: pattern.source } : {}),
  });
}

/** A boolean; refuses the quoted "true" that YAML authors sometimes write by accident. */
export function bool() {
  return rule("true or false", (v) => (typeof v === "boolean" ? v : undefined), { type: "boolean" });
}

/**
 * The pattern of what `parseCidr` accepts with these prefixes, less the host-bits rule (which a
 * pattern cannot state): four numbers of 0-255 (leading zeros allowed, as the parser allows them).
 */
export function cidrPattern(prefixes: { readonly min: number; readonly max: number }): string {
  const octet = "(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])";
  const lengths: string[] = [];
  for (let p = prefixes.min; p <= prefixes.max; p++) lengths.push(p < 10 ? `0?${p}` : String(p));
  return `^(${octet}\\.){3}${octet}/(${lengths.join("|")})$`;
}

/** An IPv4 CIDR block such as "10.0.0.0/16". */
export function cidr() {
  return rule(
    "an IPv4 CIDR block such as '10.0.0.0/16'",
    (v) => {
      if (typeof v !== "string") return undefined;
      const parsed = parseCidr(v);
      return "error" in parsed ? { error: `${show(v)} is not an IPv4 CIDR block such as '10.0.0.0/16': ${parsed.error}` } : v;
    },
    { type: "string", pattern: cidrPattern(NETWORK_PREFIXES) },
  );
}

// A Kubernetes quantity as `parseQuantity` reads it: surrounding spaces, a number, a suffix.
const QUANTITY_NUMBER = "([0-9]+(\\.[0-9]+)?|\\.[0-9]+)";
const QUANTITY_EXPONENT = "[eE][-+]?[0-9]+";

/** A Kubernetes memory quantity ("512Mi"); "1GB" is refused with the quantity the user meant. */
export function memory() {
  return rule(
    "a memory quantity such as '512Mi' or '2Gi'",
    (v) => {
      if (typeof v !== "string") return undefined;
      const parsed = parseMemory(v);
      return "error" in parsed ? parsed : v;
    },
    // Every suffix but 'm' (millibytes are refused); a zero is refused by the check only.
    { type: "string", pattern: `^\\s*${QUANTITY_NUMBER}(Ki|Mi|Gi|Ti|Pi|Ei|n|u|k|M|G|T|P|E|${QUANTITY_EXPONENT})?\\s*$` },
  );
}

/** A Kubernetes CPU quantity ("250m", "1"). */
export function cpu() {
  return rule(
    "a CPU quantity such as '250m' or '1'",
    (v) => {
      if (typeof v !== "string" && typeof v !== "number") return undefined;
      const parsed = parseCpu(String(v));
      return "error" in parsed ? parsed : String(v);
    },
    {
      type: ["string", "number"],
      pattern: `^\\s*${QUANTITY_NUMBER}(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|${QUANTITY_EXPONENT})?\\s*$`,
      exclusiveMinimum: 0,
    },
  );
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
  return rule(accepted, (v) => (typeof v === "string" && v.trim() !== "" && v.trim() === v ? v : undefined), {
    type: "string",
    pattern: "^\\S([\\s\\S]*\\S)?$",
  });
}

/** What a secret config key may be called: the name after "<project>:" in the stack file. */
export const SECRET_KEY_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;

/** The name of another (secret) key of this stack's config, e.g. "grafanaAdminPassword". */
export function secretKeyName() {
  return matching(SECRET_KEY_NAME, "the name of a secret key of this stack's config, set with `pulumi config set --secret <name> <value>`");
}

/** A list of `item`; `min` entries at least. */
export function listOf<T extends z.ZodType>(item: T, min = 0, what = "entry") {
  const list = z
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
  return withJsonSchema(list, min > 0 ? { minItems: min } : {});
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
