/**
 * Night scaling: two CronJobs that lower the stable autoscaler's minimum at night and raise it again
 * in the morning, with a ServiceAccount allowed to patch only that autoscaler. Pure: plain objects.
 */
import type { MicroserviceArgs } from "./args";
import { restrictedContainerSecurity } from "./podTemplate";

export const DEFAULT_KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.35.0";

/** Labels of the night scaler's pods (and objects). */
export function nightScalerLabels(base: Readonly<Record<string, string>>): Record<string, string> {
  return { ...base, "app.kubernetes.io/component": "night-scaler" };
}

/** "30 23 * * *" from "23:30". */
export function cronOf(time: string): string {
  const [hours, minutes] = time.split(":").map(Number);
  return `${minutes} ${hours} * * *`;
}

/**
 * The night scaler's objects. `floor` is the stable autoscaler's minimum by day; `gated` says that
 * a release in progress holds the track at that floor (a legacy migration keeps it at its share of
 * its peak): then the night minimum never goes below it.
 */
export function nightScalingObjects(
  name: string,
  args: MicroserviceArgs,
  base: Readonly<Record<string, string>>,
  floor: number,
  gated: boolean,
): Array<{ role: string; object: Record<string, any> }> {
  const night = args.autoscaling!.night!;
  const ns = args.namespace;
  const account = `${name}-night-scaler`;
  const labels = nightScalerLabels(base);
  const objects: Array<{ role: string; object: Record<string, any> }> = [
    {
      role: "night-scaler-account",
      object: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: account, namespace: ns, labels } },
    },
    {
      role: "night-scaler-role",
      object: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: account, namespace: ns, labels },
        // Only this service's autoscaler, only to read and patch it.
        rules: [{ apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], resourceNames: [name], verbs: ["get", "patch"] }],
      },
    },
    {
      role: "night-scaler-binding",
      object: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: account, namespace: ns, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: account },
        subjects: [{ kind: "ServiceAccount", name: account, namespace: ns }],
      },
    },
  ];
  const job = (role: string, time: string, min: number) =>
    objects.push({
      role,
      object: {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: `${name}-${role}`, namespace: ns, labels },
        spec: {
          schedule: cronOf(time),
          timeZone: night.timezone ?? "Asia/Shanghai",
          concurrencyPolicy: "Forbid",
          successfulJobsHistoryLimit: 1,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            spec: {
              backoffLimit: 3,
              activeDeadlineSeconds: 300,
              template: {
                metadata: { labels },
                spec: {
                  serviceAccountName: account,
                  restartPolicy: "OnFailure",
                  securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
                  containers: [
                    {
                      name: "kubectl",
                      image: args.kubectlImage ?? DEFAULT_KUBECTL_IMAGE,
                      imagePullPolicy: "IfNotPresent",
                      args: [
                        "patch",
                        "hpa",
                        name,
                        "--namespace",
                        ns,
                        "--type=merge",
                        "--patch",
                        JSON.stringify({ spec: { minReplicas: min } }),
                      ],
                      resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "64Mi" } },
                      securityContext: restrictedContainerSecurity(),
                    },
                  ],
                },
              },
            },
          },
        },
      },
    });
  job("night-start", night.from, gated ? Math.max(night.min, floor) : night.min);
  job("night-end", night.to, floor);
  return objects;
}
