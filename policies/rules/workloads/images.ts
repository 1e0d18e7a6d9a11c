/** Rules on the images a workload runs: pinned to a version, from a registry the team controls. */
import { describeContainer, parseImage } from "../../lib/kubernetes";
import { environmentOf, type RuleConfig } from "../../lib/policy";
import { containerRule } from "../../lib/workloadRule";

export const imagePinned = containerRule(
  {
    name: "image-pinned",
    description: "An image without a version tag, or tagged 'latest', changes under the same name: a rollback has nothing to roll back to.",
    severity: "high",
  },
  (c, report) => {
    const image = c.spec["image"];
    if (typeof image !== "string") return;
    const ref = parseImage(image);
    if (ref.digest) return;
    if (ref.tag === undefined) {
      report(`${describeContainer(c)} runs image '${image}', which has no tag; pin a version such as '${image}:1.4.2' or a digest`);
    } else if (ref.tag === "latest") {
      report(
        `${describeContainer(c)} runs image '${image}'; pin a version tag such as '${image.slice(0, -":latest".length)}:1.4.2' or a digest instead of 'latest'`,
      );
    }
  },
);

/** Alibaba Cloud Container Registry, Enterprise (<instance>-registry[-vpc].<region>.cr.aliyuncs.com) and Personal editions. */
export const DEFAULT_ALLOWED_REGISTRIES = [
  "*.cr.aliyuncs.com",
  "registry.*.aliyuncs.com",
  "registry-vpc.*.aliyuncs.com",
  "registry-intl.*.aliyuncs.com",
  "registry-intl-vpc.*.aliyuncs.com",
] as const;

/** Whether a registry host matches a pattern in which `*` stands for any run of characters. */
export function registryMatches(pattern: string, host: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\/]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return re.test(host);
}

export const imageRegistryAllowed = containerRule(
  {
    name: "image-registry-allowed",
    description: "Images from registries outside the team's control can vanish, change or fail to pull from mainland regions.",
    severity: "high",
    config: {
      allowedRegistries: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: [...DEFAULT_ALLOWED_REGISTRIES],
        description: "Registry hosts images may come from; '*' stands for any run of characters.",
      },
    },
  },
  (c, report, { args }) => {
    const allowed = args.getConfig<RuleConfig>().allowedRegistries ?? DEFAULT_ALLOWED_REGISTRIES;
    const image = c.spec["image"];
    if (typeof image !== "string") return;
    const registry = parseImage(image).registry;
    // A local cluster (kind, minikube) runs images loaded from the developer's Docker daemon, named without a registry.
    if (registry === undefined && environmentOf(args) === "local") return;
    const host = registry ?? "docker.io";
    if (allowed.some((pattern) => registryMatches(pattern, host))) return;
    report(
      `${describeContainer(c)} pulls '${image}' from ${host}, which is not an allowed registry (${allowed.join(", ")}); push it to the environment's registry or mirror and use that reference, or allow the registry in the stack's policy.allowedRegistries`,
    );
  },
);
