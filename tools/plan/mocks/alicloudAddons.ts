/**
 * How the Alibaba Cloud provider stores a `cs.KubernetesAddon`'s config, and what ACK's API returns
 * for it. The provider's Read (terraform-provider-alicloud, resource_alicloud_cs_kubernetes_addon.go)
 * parses the config the program wrote, merges in the config the API returns (mergeConfigValues: the
 * keys the program wrote, with the API's values; nested maps merged the same way; a list taken
 * whole from the API) and stores Go's `json.Marshal` of the result. A program that writes its config
 * any other way differs from the state on every run.
 */
import { goJson } from "../../../components/cloud/addonConfig";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The provider's mergeConfigValues(local, remote), as written in Go. */
export function mergeConfigValues(local: JsonObject, remote: JsonObject): JsonObject {
  const merged: JsonObject = {};
  for (const [key, remoteValue] of Object.entries(remote)) {
    if (!(key in local)) continue;
    const localValue = local[key];
    if (isObject(localValue)) {
      // A map in the program is merged only with a map from the API; otherwise the key is dropped.
      if (isObject(remoteValue)) merged[key] = mergeConfigValues(localValue, remoteValue);
      continue;
    }
    merged[key] = remoteValue;
  }
  return merged;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A parameter of an add-on as ACK knows it: its type, and the default the API fills in. */
type Param =
  | { readonly type: "string"; readonly default: string }
  | { readonly type: "boolean"; readonly default: boolean }
  | { readonly type: "list"; readonly item: Readonly<Record<string, Param>> }
  | { readonly type: "object"; readonly fields: Readonly<Record<string, Param>> };

/**
 * Parameters of the add-ons this project installs, from ACK's documentation: the managed credential
 * helper ("Use the passwordless component to pull images", managed edition) and the ALB Ingress
 * controller (the provider's own example). The API keeps only parameters the add-on has, and
 * returns each as its type.
 */
const ADDON_PARAMETERS: Readonly<Record<string, Readonly<Record<string, Param>>>> = {
  "managed-aliyun-acr-credential-helper": {
    AcrInstanceInfo: {
      type: "list",
      item: {
        instanceId: { type: "string", default: "" },
        regionId: { type: "string", default: "" },
        domains: { type: "string", default: "" },
        assumeRoleARN: { type: "string", default: "" },
        expireDuration: { type: "string", default: "" },
        rrsaRoleARN: { type: "string", default: "" },
        rrsaOIDCProviderRoleARN: { type: "string", default: "" },
      },
    },
    watchNamespace: { type: "string", default: "default" },
    serviceAccount: { type: "string", default: "default" },
    expiringThreshold: { type: "string", default: "15m" },
    enableRRSA: { type: "boolean", default: false },
    notifyEmail: { type: "string", default: "" },
  },
  "alb-ingress-controller": {
    albIngress: { type: "object", fields: { CreateDefaultALBConfig: { type: "boolean", default: true } } },
  },
};

function coerce(value: Json | undefined, param: Param): Json {
  switch (param.type) {
    case "string":
      return value === undefined || value === null ? param.default : typeof value === "string" ? value : goJson(value);
    case "boolean":
      return value === undefined || value === null ? param.default : value === true || value === "true";
    case "list":
      // Items keep the parameters the program gave them (the API does not fill item defaults that
      // the documentation shows as optional); unknown item keys are dropped.
      return Array.isArray(value)
        ? value.map((item) =>
            isObject(item)
              ? Object.fromEntries(Object.entries(param.item).flatMap(([k, p]) => (k in item ? [[k, coerce(item[k], p)]] : [])))
              : item,
          )
        : [];
    case "object":
      return Object.fromEntries(Object.entries(param.fields).map(([k, p]) => [k, coerce(isObject(value) ? value[k] : undefined, p)]));
  }
}

/** The config ACK returns for an add-on installed with `config` (GetClusterAddonInstance). */
export function remoteAddonConfig(name: string, config: JsonObject): JsonObject {
  const params = ADDON_PARAMETERS[name];
  if (!params) return config;
  return Object.fromEntries(Object.entries(params).map(([key, param]) => [key, coerce(config[key], param)]));
}

/**
 * The config the provider stores after creating or reading the add-on. An empty merge leaves the
 * state as the program wrote it (the provider sets nothing then).
 */
export function storedAddonConfig(name: string, config: string | undefined): string | undefined {
  if (config === undefined || config === "") return config;
  let local: unknown;
  try {
    local = JSON.parse(config);
  } catch (err) {
    throw new Error(`cs.KubernetesAddon '${name}': json config parse error: ${(err as Error).message}`);
  }
  if (!isObject(local)) throw new Error(`cs.KubernetesAddon '${name}': the config is not a JSON object`);
  const stored = goJson(mergeConfigValues(local, remoteAddonConfig(name, local)));
  return stored === "{}" ? config : stored;
}
