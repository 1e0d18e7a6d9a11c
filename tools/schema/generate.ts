/**
 * The JSON Schema of `Pulumi.<stack>.yaml`, generated from the zod schema of stacks/config, so that
 * an editor with a YAML language server completes keys and flags mistakes before a plan is run.
 *
 * The file's shape is Pulumi's (`config:`, `environment:`, the secrets provider's keys); the values
 * of `<project>:<key>` are the zod schema's, one per kind of environment, merged: what is the same in
 * every kind is stated once, a default that depends on the kind goes into the description, and a key
 * whose shape depends on the kind is checked by an if/then on `<project>:kind`. What zod cannot see
 * (a check written as code) comes from the fragment each helper of stacks/config/common.ts declares.
 *
 * Draft-07, because it is the draft the YAML language server (VS Code's YAML extension) validates.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import YAML from "yaml";
import { z } from "zod";
import {
  declaredJsonSchema,
  ENVIRONMENT_KINDS,
  type EnvironmentKind,
  type JsonSchema,
  oneOf,
  SECRET_KEY_NAME,
} from "../../stacks/config/common";
import { PROVIDER_NAMESPACES } from "../../stacks/config/load";
import { environmentShape } from "../../stacks/config/schema";
import { OWN_SERVICE_KEYS } from "../../stacks/config/workloads";

/** Where the schema is committed, relative to the repository. */
export const SCHEMA_FILE = "schema/stack.schema.json";

/** The repository (the project directory holding Pulumi.yaml). */
export const REPO = path.resolve(__dirname, "../..");

/** A zod schema whose JSON Schema a helper declared, as the generator met it. */
export type DeclaredSchema = { readonly schema: z.core.$ZodType; readonly jsonSchema: JsonSchema };

/**
 * The JSON Schema of one zod schema, with the fragments the helpers declare; `onDeclared` hears of
 * each schema that has one (the tests check that no fragment refuses what its check accepts).
 */
export function jsonSchemaOf(schema: z.ZodType, onDeclared?: (declared: DeclaredSchema) => void): JsonSchema {
  const nested = (inner: z.ZodType) => jsonSchemaOf(inner, onDeclared);
  const json = z.toJSONSchema(schema, {
    target: "draft-7",
    // The config's input: what a stack file may say, before defaults and transforms.
    io: "input",
    // A transform alone says nothing; the helper's declared fragment says what it accepts.
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => {
      const declared = declaredJsonSchema(zodSchema);
      if (declared) {
        const fragment = typeof declared === "function" ? declared(nested) : declared;
        onDeclared?.({ schema: zodSchema, jsonSchema: fragment });
        Object.assign(jsonSchema, fragment);
      }
      // zod leaves out the default of a value it cannot represent (every rule()); an editor shows it.
      if (zodSchema._zod.def.type === "default" && !("default" in jsonSchema)) {
        jsonSchema["default"] = (zodSchema as z.ZodDefault<z.ZodType>)._zod.def.defaultValue;
      }
    },
  }) as JsonSchema;
  delete json["$schema"];
  return json;
}

/** Keywords whose value is a subschema, a list of subschemas, or a map of names to subschemas. */
const SUBSCHEMA = new Set(["items", "additionalProperties", "propertyNames", "not", "if", "then", "else", "contains"]);
const SUBSCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf"]);
const SUBSCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions"]);

const isObject = (v: unknown): v is JsonSchema => typeof v === "object" && v !== null && !Array.isArray(v);

/** "'standard' in local and dev; 'pro' in staging and prod". */
function describeDefaults(defaults: ReadonlyArray<[EnvironmentKind, unknown]>): string {
  const groups = new Map<string, EnvironmentKind[]>();
  for (const [kind, value] of defaults) {
    const text = value === undefined ? "none" : typeof value === "string" ? `'${value}'` : JSON.stringify(value);
    groups.set(text, [...(groups.get(text) ?? []), kind]);
  }
  const list = (kinds: EnvironmentKind[]) => (kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(", ")} and ${kinds.at(-1)}`);
  return [...groups].map(([text, kinds]) => `${text} in ${list(kinds)}`).join("; ");
}

/**
 * One schema for every kind, when the kinds differ at most in defaults (which then go into the
 * description); undefined when a kind accepts something else (that key is then checked per kind).
 */
function mergeKinds(variants: ReadonlyArray<[EnvironmentKind, JsonSchema]>): JsonSchema | undefined {
  const first = variants[0]![1];
  if (variants.every(([, v]) => isDeepStrictEqual(v, first))) return first;
  if (!variants.every(([, v]) => isObject(v))) return undefined;
  const keys = new Set(variants.flatMap(([, v]) => Object.keys(v).filter((k) => k !== "default")));
  const merged: JsonSchema = {};
  for (const key of keys) {
    const values = variants.map(([kind, v]) => [kind, v[key]] as [EnvironmentKind, unknown]);
    if (values.some(([, v]) => v === undefined)) return undefined;
    const firstValue = values[0]![1];
    if (values.every(([, v]) => isDeepStrictEqual(v, firstValue))) {
      merged[key] = firstValue;
    } else if (SUBSCHEMA.has(key)) {
      const m = mergeKinds(values as Array<[EnvironmentKind, JsonSchema]>);
      if (!m) return undefined;
      merged[key] = m;
    } else if (SUBSCHEMA_MAPS.has(key)) {
      const names = Object.keys(firstValue as JsonSchema);
      if (!values.every(([, v]) => isDeepStrictEqual(Object.keys(v as JsonSchema), names))) return undefined;
      const map: JsonSchema = {};
      for (const name of names) {
        const m = mergeKinds(values.map(([kind, v]) => [kind, (v as JsonSchema)[name] as JsonSchema]));
        if (!m) return undefined;
        map[name] = m;
      }
      merged[key] = map;
    } else if (SUBSCHEMA_LISTS.has(key)) {
      const length = (firstValue as unknown[]).length;
      if (!values.every(([, v]) => Array.isArray(v) && v.length === length)) return undefined;
      const list: JsonSchema[] = [];
      for (let i = 0; i < length; i++) {
        const m = mergeKinds(values.map(([kind, v]) => [kind, (v as JsonSchema[])[i]!]));
        if (!m) return undefined;
        list.push(m);
      }
      merged[key] = list;
    } else {
      return undefined;
    }
  }
  const defaults = variants.map(([kind, v]) => [kind, v["default"]] as [EnvironmentKind, unknown]);
  if (defaults.every(([, d]) => isDeepStrictEqual(d, defaults[0]![1]))) {
    if (defaults[0]![1] !== undefined) merged["default"] = defaults[0]![1];
  } else {
    const description = typeof merged["description"] === "string" ? `${merged["description"]}. ` : "";
    merged["description"] = `${description}Default: ${describeDefaults(defaults)}`;
  }
  return merged;
}

/**
 * Splits a schema in two: what its values may be, and which keys must be present. A key reached
 * through mappings only may come from an ESC environment (Pulumi merges an environment's
 * `pulumiConfig` into the stack's config, mapping by mapping), so its presence is checked only in a
 * stack file that imports none. A list is taken whole from the stack file, so inside one nothing moves.
 */
function splitRequired(schema: JsonSchema): { values: JsonSchema; presence?: JsonSchema } {
  const values: JsonSchema = { ...schema };
  const presence: JsonSchema = {};
  if (Array.isArray(schema["required"])) {
    presence["required"] = schema["required"];
    delete values["required"];
  }
  if (isObject(schema["properties"])) {
    const properties: JsonSchema = {};
    const required: JsonSchema = {};
    for (const [name, sub] of Object.entries(schema["properties"])) {
      const split = isObject(sub) ? splitRequired(sub) : { values: sub as JsonSchema };
      properties[name] = split.values;
      if (split.presence) required[name] = split.presence;
    }
    values["properties"] = properties;
    if (Object.keys(required).length > 0) presence["properties"] = required;
  }
  if (Array.isArray(schema["allOf"])) {
    const branches: JsonSchema[] = [];
    values["allOf"] = (schema["allOf"] as JsonSchema[]).map((branch) => {
      // A condition stays whole in both halves: `required` in an `if` asks, it does not demand.
      if (!isObject(branch["then"])) return branch;
      const split = splitRequired(branch["then"]);
      if (split.presence) branches.push({ if: branch["if"], then: split.presence });
      return { ...branch, then: split.values };
    });
    if (branches.length > 0) presence["allOf"] = branches;
  }
  return Object.keys(presence).length > 0 ? { values, presence } : { values };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** What a secret config value looks like in a stack file: the ciphertext `pulumi config set --secret` writes. */
const SECURE_VALUE: JsonSchema = {
  type: "object",
  description: "a secret, as `pulumi config set --secret <key> <value>` writes it: { secure: <ciphertext> }",
  properties: { secure: { type: "string", minLength: 1 } },
  required: ["secure"],
  additionalProperties: false,
};

/** ESC environments a stack imports: a list of names, or an inline environment definition. */
const ENVIRONMENT: JsonSchema = {
  description:
    "Pulumi ESC environments whose pulumiConfig values become this stack's config (the offline plan cannot read them; it names them)",
  anyOf: [
    { type: "array", items: { type: "string", minLength: 1 } },
    {
      type: "object",
      properties: {
        imports: {
          type: "array",
          items: {
            anyOf: [
              { type: "string", minLength: 1 },
              {
                type: "object",
                minProperties: 1,
                maxProperties: 1,
                additionalProperties: { type: "object", properties: { merge: { type: "boolean" } }, additionalProperties: false },
              },
            ],
          },
        },
        values: { type: "object" },
      },
      additionalProperties: false,
    },
  ],
};

/**
 * A key a service must have (its version, its resources) may come from serviceDefaults instead: the
 * services' items require only the keys a default may not set (OWN_SERVICE_KEYS), and each other
 * required key is required of every service unless serviceDefaults sets it. Changes `services` in place.
 */
function serviceKeysLeftToDefaults(services: unknown, key: (name: string) => string): JsonSchema[] {
  const items = isObject(services) && isObject(services["items"]) ? services["items"] : undefined;
  if (!items || !Array.isArray(items["required"])) throw new Error("the services' JSON Schema has no items with required keys");
  const required = items["required"] as string[];
  const own = required.filter((name) => (OWN_SERVICE_KEYS as readonly string[]).includes(name));
  items["required"] = own;
  return required
    .filter((name) => !own.includes(name))
    .map((name) => ({
      if: { properties: { [key("serviceDefaults")]: { required: [name] } }, required: [key("serviceDefaults")] },
      else: { properties: { [key("services")]: { items: { required: [name] } } } },
    }));
}

/** The JSON Schema of a stack file of the project named `project`. */
export function stackFileSchema(project: string, onDeclared?: (declared: DeclaredSchema) => void): JsonSchema {
  const key = (name: string) => `${project}:${name}`;
  const perKind = ENVIRONMENT_KINDS.map((kind) => {
    const json = jsonSchemaOf(z.object(environmentShape(kind)), onDeclared);
    return { kind, properties: json["properties"] as Record<string, JsonSchema>, required: (json["required"] ?? []) as string[] };
  });
  const names = Object.keys(perKind[0]!.properties);
  for (const k of perKind) {
    if (!isDeepStrictEqual(Object.keys(k.properties), names)) throw new Error(`the ${k.kind} environment has other keys than ${names}`);
  }

  const properties: JsonSchema = {};
  const branches = new Map<EnvironmentKind, JsonSchema>(perKind.map((k) => [k.kind, {}]));
  for (const name of names) {
    if (name === "kind") {
      properties[key(name)] = jsonSchemaOf(oneOf(ENVIRONMENT_KINDS));
      continue;
    }
    const merged = mergeKinds(perKind.map((k) => [k.kind, k.properties[name]!]));
    if (merged) {
      properties[key(name)] = merged;
      continue;
    }
    properties[key(name)] = { description: `depends on ${key("kind")}` };
    for (const k of perKind) ((branches.get(k.kind)!["properties"] ??= {}) as JsonSchema)[key(name)] = k.properties[name];
  }
  const leftToDefaults = serviceKeysLeftToDefaults(properties[key("services")], key);
  const requiredEverywhere = names.filter((name) => perKind.every((k) => k.required.includes(name)));
  for (const k of perKind) {
    const required = k.required.filter((name) => !requiredEverywhere.includes(name));
    if (required.length > 0) branches.get(k.kind)!["required"] = required.map(key);
  }
  const config: JsonSchema = {
    type: "object",
    description: `this stack's config: ${project}:<key> values, secrets, and provider settings`,
    properties,
    patternProperties: {
      // Any other key of this project is a secret that a section names (e.g. grafanaAdminPassword).
      [`^${escape(project)}:(?!(${names.map(escape).join("|")})$)${SECRET_KEY_NAME.source.slice(1)}`]: SECURE_VALUE,
      [`^(${PROVIDER_NAMESPACES.map(escape).join("|")}):`]: {},
    },
    // Anything else is a mistake: a typo in the namespace ('ack-platfrom:services') would otherwise be ignored.
    additionalProperties: false,
    required: requiredEverywhere.map(key),
    allOf: [
      ...perKind
        .filter((k) => Object.keys(branches.get(k.kind)!).length > 0)
        .map((k) => ({
          if: { properties: { [key("kind")]: { const: k.kind } }, required: [key("kind")] },
          then: branches.get(k.kind),
        })),
      ...leftToDefaults,
    ],
  };
  const { values, presence } = splitRequired(config);
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: `Pulumi.<stack>.yaml of ${project}`,
    description: `Generated from stacks/config by \`npm run schema\`; do not edit.`,
    type: "object",
    properties: {
      secretsprovider: { type: "string", description: "the secrets provider that encrypts this stack's secrets" },
      encryptedkey: { type: "string", description: "the data key encrypted by a cloud secrets provider" },
      encryptionsalt: { type: "string", description: "the salt of the passphrase secrets provider" },
      environment: ENVIRONMENT,
      config: { $ref: "#/definitions/config" },
    },
    additionalProperties: false,
    // Without an ESC environment, every required key must be in the file.
    if: { required: ["environment"] },
    else: { required: ["config"], properties: { config: { $ref: "#/definitions/configComplete" } } },
    definitions: { config: values, configComplete: presence ?? {} },
  };
}

/** The project's name, from its Pulumi.yaml. */
export function projectName(dir = REPO): string {
  const doc = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as { name: string };
  return doc.name;
}

/** The schema file's text, formatted as the repository formats JSON. */
export async function renderStackSchema(dir = REPO): Promise<string> {
  const prettier = await import("prettier");
  const text = JSON.stringify(stackFileSchema(projectName(dir)), null, 2);
  const options = await prettier.resolveConfig(path.join(dir, SCHEMA_FILE));
  return prettier.format(text, { ...options, parser: "json" });
}
