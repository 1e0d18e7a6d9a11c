/**
 * The namespace of one add-on. It is declared explicitly, rather than left to `createNamespace` of a
 * Helm release, so that the plan shows it and it carries the Pod Security level the add-on needs:
 * log collectors and node-exporter read the host (privileged), the rest run restricted or baseline.
 */

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** The Namespace object of an add-on. `warn` and `audit` stay at restricted so exceptions show. */
export function addonNamespaceSpec(name: string, level: PodSecurityLevel, addon: string) {
  return {
    metadata: {
      name,
      labels: {
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/part-of": "ack-platform",
        "ack-platform/addon": addon,
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      },
    },
  };
}

/** Kubernetes object names: DNS-1123 labels. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Host names a route may serve (a wildcard only as the first label). */
export const HOSTNAME = /^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** "10.0.0.0/8": an IPv4 CIDR block. */
export const IPV4_CIDR = /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)$/;

/** Kubernetes quantities as the add-ons take them ("512Mi", "2Gi", "250m", "1"). */
export const MEMORY_QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti)$/;
export const CPU_QUANTITY = /^(\d+m|\d+(\.\d+)?)$/;

/** Throws the error every validator here throws: the component, the field, the value, what is accepted. */
export function invalid(component: string, field: string, value: unknown, accepted: string): never {
  const shown = typeof value === "string" ? `'${value}'` : JSON.stringify(value);
  throw new Error(`${component} ${field}: ${shown} is not ${accepted}`);
}

/** Throws for a field that must be given: the component, the field, and why it is needed. */
export function required(component: string, field: string, why: string): never {
  throw new Error(`${component} ${field}: is required ${why}`);
}

/** Bytes in a memory quantity ("512Mi" -> 536870912). */
export function memoryBytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)$/.exec(quantity);
  if (!m) throw new Error(`'${quantity}' is not a memory quantity such as '512Mi' or '2Gi'`);
  const power = { Ki: 1, Mi: 2, Gi: 3, Ti: 4 }[m[2] as "Ki" | "Mi" | "Gi" | "Ti"];
  return Math.round(Number(m[1]) * 1024 ** power);
}
