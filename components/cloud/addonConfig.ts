/**
 * Add-ons installed through `cs.KubernetesAddon`, and their configuration written the way the
 * Alibaba Cloud provider stores it, without Pulumi.
 *
 * The provider reads an add-on's config back from the API, keeps the keys the program wrote with the
 * values the API returns, and stores Go's `json.Marshal` of that map: keys sorted at every level, no
 * spaces (terraform-provider-alicloud, resource_alicloud_cs_kubernetes_addon.go: Read and
 * mergeConfigValues). There is no diff suppression, so a config written any other way (insertion
 * order, spaces) differs from the state on every run and every `pulumi up` modifies the add-on.
 */

/** Go's `json.Marshal` of a decoded JSON value. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`${value} is not a JSON number`);
    // A float64 prints like JavaScript's shortest form: "15", "0.5", "1e+21", "1e-7".
    return JSON.stringify(value);
  }
  if (typeof value === "string") return goString(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (typeof value === "object") {
    // Go sorts map keys by their UTF-8 bytes.
    const keys = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort((a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
    return `{${keys.map((k) => `${goString(k)}:${goJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  throw new Error(`${typeof value} is not a JSON value`);
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** A string as Go's encoder writes it: HTML-safe (`<`, `>`, `&` escaped), and U+2028/U+2029 escaped. */
function goString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (SHORT_ESCAPES[ch] !== undefined) out += SHORT_ESCAPES[ch];
    else if (code < 0x20 || ch === "<" || ch === ">" || ch === "&" || code === 0x2028 || code === 0x2029)
      out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** The stored form of a config given as JSON text: what the provider would write back to the state. */
export function storedConfig(json: string): string {
  return goJson(JSON.parse(json));
}

/** An add-on installed on a cluster that may already exist, with its config as a JSON object. */
export interface InstalledAddon {
  /** ACK's add-on name, e.g. "alb-ingress-controller". */
  readonly name: string;
  /** The add-on's parameters; written in the provider's stored form. */
  readonly config?: Readonly<Record<string, unknown>>;
}

/**
 * ACK's ALB Ingress controller: it installs the AlbConfig CRD and reconciles AlbConfigs and Ingresses
 * into an ALB. The platform declares its own AlbConfig, so the add-on creates no default one (it
 * would buy a second ALB).
 */
export const ALB_INGRESS_CONTROLLER: InstalledAddon = {
  name: "alb-ingress-controller",
  config: { albIngress: { CreateDefaultALBConfig: false } },
};

/** ACK's managed credential helper: nodes pull from ACR Enterprise without image pull secrets. */
export const CREDENTIAL_HELPER_ADDON = "managed-aliyun-acr-credential-helper";

export interface CredentialHelperSettings {
  readonly instanceId: string;
  readonly regionId: string;
  /** Registry domains the pull secrets are for. */
  readonly domains: readonly string[];
  /** Namespaces whose ServiceAccounts get the pull secret; never "all", which includes kube-system. */
  readonly namespaces: readonly string[];
  /** ServiceAccounts that get it in those namespaces; "*" for every one. */
  readonly serviceAccounts: readonly string[];
}

/**
 * The managed credential helper's parameters (ACK: "Use the passwordless component to pull images",
 * managed edition). Same-account pulls use the service role AliyunCSManagedAcrRole, so RRSA, which the
 * add-on uses only for pulls from another account, stays off.
 */
export function credentialHelperConfig(s: CredentialHelperSettings): Record<string, unknown> {
  return {
    AcrInstanceInfo: [{ instanceId: s.instanceId, regionId: s.regionId, domains: s.domains.join(",") }],
    watchNamespace: s.namespaces.join(","),
    serviceAccount: s.serviceAccounts.join(","),
    expiringThreshold: "15m",
    enableRRSA: false,
  };
}
