/**
 * Alertmanager's configuration file from the environment's receivers: webhooks, DingTalk relays
 * (a relay such as prometheus-webhook-dingtalk turns Alertmanager's payload into robot messages) and
 * e-mail. Pure: secret values come in resolved and the caller keeps the result secret.
 */

/** A receiver with its secret values resolved. */
export interface ResolvedReceiver {
  readonly name: string;
  readonly type: "webhook" | "dingtalk" | "email";
  /** webhook, dingtalk */
  readonly url?: string;
  /** email */
  readonly to?: readonly string[];
  readonly smarthost?: string;
  readonly from?: string;
  readonly password?: string;
  /** Only alerts of these severities; all when unset. */
  readonly severities?: readonly string[];
}

/** Alerts no one should be paged for (the always-firing heartbeat, the inhibitor) go here. */
export const DISCARD_RECEIVER = "discard";

function receiverConfig(r: ResolvedReceiver): Record<string, unknown> {
  if (r.type === "email") {
    return {
      name: r.name,
      email_configs: [
        {
          to: (r.to ?? []).join(", "),
          from: r.from,
          smarthost: r.smarthost,
          ...(r.password !== undefined ? { auth_username: r.from, auth_password: r.password } : {}),
          require_tls: true,
          send_resolved: true,
        },
      ],
    };
  }
  return { name: r.name, webhook_configs: [{ url: r.url, send_resolved: true, max_alerts: 20 }] };
}

/** The alertmanager.yaml document. With no receiver every alert is discarded, and said so in the plan. */
export function alertmanagerConfig(receivers: readonly ResolvedReceiver[]) {
  const names = new Set<string>();
  for (const r of receivers) {
    if (r.name === DISCARD_RECEIVER) throw new Error(`receiver name '${r.name}' is reserved for discarded alerts; choose another`);
    if (names.has(r.name)) throw new Error(`receiver name '${r.name}' is used twice`);
    names.add(r.name);
    if (r.type !== "email" && !r.url) throw new Error(`receiver '${r.name}' of type ${r.type} has no url`);
    if (r.type === "email" && (!r.to?.length || !r.smarthost || !r.from))
      throw new Error(`email receiver '${r.name}' needs to, smarthost and from`);
  }
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: DISCARD_RECEIVER,
      group_by: ["alertname", "namespace"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [
        { receiver: DISCARD_RECEIVER, matchers: ['alertname =~ "Watchdog|InfoInhibitor"'] },
        ...receivers.map((r) => ({
          receiver: r.name,
          ...(r.severities?.length ? { matchers: [`severity =~ "${r.severities.join("|")}"`] } : {}),
          // Every receiver sees the alerts meant for it, not only the first that matches.
          continue: true,
        })),
      ],
    },
    // A critical alert silences the warnings of the same alert in the same namespace.
    inhibit_rules: [
      { source_matchers: ['severity = "critical"'], target_matchers: ['severity =~ "warning|info"'], equal: ["namespace", "alertname"] },
      { source_matchers: ['severity = "warning"'], target_matchers: ['severity = "info"'], equal: ["namespace", "alertname"] },
    ],
    receivers: [{ name: DISCARD_RECEIVER }, ...receivers.map(receiverConfig)],
  };
}
