/**
 * Values that must not be written in clear: plain environment variables land in a ConfigMap, in git
 * and in the plan, so a password there is read by everyone who reads any of them.
 *
 * A variable is taken for a secret by its name or by its value:
 * - its name ends with a word that says secret: PASSWORD, PASSWD, PASS, PWD, SECRET, TOKEN,
 *   CREDENTIAL(S), CREDS, PASSPHRASE, APIKEY, or KEY (API_KEY, SECRET_KEY, PRIVATE_KEY), after
 *   dropping a trailing word that says how it is written (BASE64, HEX, VALUE). Only the last word
 *   counts, so that names about a secret but not holding one pass: TOKEN_URL, PASSWORD_MIN_LENGTH,
 *   SECRET_NAME, KEYCLOAK_URL, PRIMARY_KEY_COLUMN, CACHE_KEY_PREFIX. KEY as the last word is not
 *   taken for a secret after PRIMARY, FOREIGN, PARTITION, SORT, ROUTING, CACHE, SHARD, HASH,
 *   IDEMPOTENCY, LOOKUP or INDEX (names of keys, not keys);
 * - its value looks like a credential whatever the name: an Alibaba Cloud AccessKey id (LTAI...) or
 *   an AWS one (AKIA...), a PEM private key, a URL with a password (scheme://user:password@host),
 *   a GitHub, Slack or Stripe token, a JSON Web Token.
 * An empty value, and a value that only refers to other variables ($(DB_PASSWORD)), hold no secret.
 */

const SECRET_WORDS = new Set([
  "PASSWORD",
  "PASSWD",
  "PASS",
  "PWD",
  "SECRET",
  "TOKEN",
  "CREDENTIAL",
  "CREDENTIALS",
  "CREDS",
  "PASSPHRASE",
  "APIKEY",
  "KEY",
]);
const ENCODING_WORDS = new Set(["BASE64", "B64", "HEX", "VALUE", "BASE"]);
const NOT_SECRET_KEYS = new Set([
  "PRIMARY",
  "FOREIGN",
  "PARTITION",
  "SORT",
  "ROUTING",
  "CACHE",
  "SHARD",
  "HASH",
  "IDEMPOTENCY",
  "LOOKUP",
  "INDEX",
]);

const CREDENTIAL_VALUES: ReadonlyArray<[RegExp, string]> = [
  [/\bLTAI[0-9A-Za-z]{12,30}\b/, "an Alibaba Cloud AccessKey id (LTAI...)"],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/-----BEGIN ([A-Z]+ )*PRIVATE KEY-----/, "a PEM private key"],
  [/\b(ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}/, "a GitHub token"],
  [/\bxox[abpr]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/\b[sr]k_live_[A-Za-z0-9]{16,}/, "a Stripe key"],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/, "a JSON Web Token"],
];

/** A URL that carries a password: scheme://user:password@host (a $(VAR) reference is not one). */
const URL_WITH_PASSWORD = /[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s/:@]*:([^\s/@]+)@/;

/** Why a plain variable looks like a secret, or undefined. */
export function plainSecretReason(name: string, value: string): string | undefined {
  if (value.trim() === "" || /^(\$\([A-Za-z_][A-Za-z0-9_]*\)|\s)*$/.test(value)) return undefined;
  for (const [pattern, what] of CREDENTIAL_VALUES) if (pattern.test(value)) return `its value is ${what}`;
  const url = URL_WITH_PASSWORD.exec(value);
  if (url && !/^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(url[1]!)) return "its value is a URL with a password in it";
  const words = name.toUpperCase().split(/_+/).filter(Boolean);
  while (words.length > 1 && ENCODING_WORDS.has(words.at(-1)!)) words.pop();
  const last = words.at(-1);
  if (last === undefined || !SECRET_WORDS.has(last)) return undefined;
  if (last === "PWD" && words.length === 1) return undefined; // the shell's working directory
  if (last === "KEY" && (words.length === 1 || NOT_SECRET_KEYS.has(words.at(-2)!))) return undefined;
  return `its name says it is a secret (${last})`;
}
