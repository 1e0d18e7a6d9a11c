/**
 * Secrets written in clear in the stack file: a password in a service's `env` (which becomes a
 * ConfigMap), a webhook URL that carries its access token. Each is refused with where it belongs:
 * a secret config key, named under `secretEnv` or `urlSecret`. The value itself is never repeated.
 */
import { plainSecretReason } from "../../components/workload/secretValues";
import type { Check, CheckContext } from "./checks";

/** "ordersDbPassword" for DB_PASSWORD of orders: a name for the secret key to set. */
function secretKeyFor(service: string, variable: string): string {
  const words = [...service.split("-"), ...variable.toLowerCase().split("_")].filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join("");
}

/** Query parameters that carry a credential in a webhook URL (DingTalk's access_token, a signature). */
const CREDENTIAL_PARAMS = /[?&](access_token|token|secret|key|sign|signature|apikey|api_key)=[^&\s]+/i;

/**
 * A service's name and env: as parsed, or, when the service was refused for another mistake, as the
 * file wrote them, so that a secret in clear is listed in the same pass as that mistake.
 */
function servicesEnv(
  env: Parameters<Check>[0],
  raw: CheckContext["raw"],
): Array<{ name: string; env: Record<string, string> } | undefined> {
  const written = raw?.(["services"]);
  const count = Math.max(env.services?.length ?? 0, Array.isArray(written) ? written.length : 0);
  return Array.from({ length: count }, (_, i) => {
    const parsed = env.services?.[i];
    if (parsed) return { name: parsed.name, env: parsed.env ?? {} };
    const asWritten = Array.isArray(written) ? (written[i] as { name?: unknown; env?: unknown } | null) : undefined;
    if (typeof asWritten?.name !== "string" || asWritten.env === null || typeof asWritten.env !== "object") return undefined;
    const strings = Object.entries(asWritten.env).filter((entry): entry is [string, string] => typeof entry[1] === "string");
    return { name: asWritten.name, env: Object.fromEntries(strings) };
  });
}

export const checkPlainSecrets: Check = (env, { report, raw }) => {
  servicesEnv(env, raw).forEach((svc, i) => {
    for (const [name, value] of Object.entries(svc?.env ?? {})) {
      const reason = plainSecretReason(name, value);
      if (!reason) continue;
      const key = secretKeyFor(svc!.name, name);
      report(
        ["services", i, "env", name],
        `holds a value in clear (${value.length} characters, not shown here), and ${reason}: env is written to a ConfigMap, to git and to the plan; ` +
          `keep it in a secret config key (\`pulumi config set --secret ${key} <value>\`) and name that key under secretEnv (services[${i}].secretEnv.${name}: ${key})`,
      );
    }
  });
  env.monitoring?.alertmanager.receivers.forEach((r, i) => {
    const param = r.url ? CREDENTIAL_PARAMS.exec(r.url) : null;
    if (!param) return;
    report(
      ["monitoring", "alertmanager", "receivers", i, "url"],
      `carries a credential in clear (its '${param[1]}' parameter), which git and the plan would show; keep the whole URL in a secret config key (\`pulumi config set --secret ${r.name}WebhookUrl <url>\`) and name it in urlSecret`,
    );
  });
};
