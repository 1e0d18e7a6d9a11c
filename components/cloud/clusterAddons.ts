/**
 * The add-ons an ACK cluster is created with, as plain values. ACK reads this list only when it
 * creates a cluster, so it names everything the platform relies on, and turns off what the platform
 * replaces with its own components.
 */

export type Cni = "terway" | "flannel";

export interface ClusterAddon {
  readonly name: string;
  /** JSON configuration of the add-on; empty for its defaults. */
  readonly config?: string;
  /** True to keep ACK from installing an add-on it would install by default. */
  readonly disabled?: boolean;
}

/** The network plugin of each CNI. Terway's ENI multi-IP mode gives pods addresses from the pod vSwitches. */
export const CNI_ADDON: Readonly<Record<Cni, string>> = { terway: "terway-eniip", flannel: "flannel" };

/**
 * Terway is created with NetworkPolicy enforcement, so that the policies services declare take
 * effect; it can only be chosen when the cluster is created. Flannel enforces none.
 */
export const TERWAY_CONFIG = JSON.stringify({ IPVlan: "false", NetworkPolicy: "true", ENITrunking: "false" });

/** Add-ons the platform replaces: its own gateway routes traffic, and EFK ships the logs. */
export const REPLACED_ADDONS: readonly string[] = ["nginx-ingress-controller", "logtail-ds"];

/** Add-ons every cluster gets besides its network plugin: the disk CSI driver for volumes. */
export const BASE_ADDONS: readonly string[] = ["csi-plugin", "csi-provisioner"];

/** Problems with extra add-ons: none may replace the network plugin or repeat a name. */
export function addonProblems(cni: Cni, extra: readonly ClusterAddon[]): Array<{ index: number; message: string }> {
  const problems: Array<{ index: number; message: string }> = [];
  const seen = new Set<string>([CNI_ADDON[cni], ...BASE_ADDONS]);
  extra.forEach((addon, index) => {
    if (Object.values(CNI_ADDON).includes(addon.name)) {
      problems.push({ index, message: `'${addon.name}' is a network plugin; choose it with cni ('${cni}' gives '${CNI_ADDON[cni]}')` });
    } else if (seen.has(addon.name)) {
      problems.push({ index, message: `'${addon.name}' is already in the list` });
    }
    seen.add(addon.name);
    if (addon.config !== undefined && addon.config !== "") {
      try {
        JSON.parse(addon.config);
      } catch {
        problems.push({ index, message: `the config of '${addon.name}' is not JSON` });
      }
    }
  });
  return problems;
}

/**
 * The add-on list: the network plugin of `cni`, the base add-ons, the replaced ones turned off,
 * then `extra`. An extra add-on of a replaced name turns it back on.
 */
export function clusterAddons(cni: Cni, extra: readonly ClusterAddon[] = []): ClusterAddon[] {
  const extraNames = new Set(extra.map((a) => a.name));
  return [
    cni === "terway" ? { name: CNI_ADDON.terway, config: TERWAY_CONFIG } : { name: CNI_ADDON.flannel },
    ...BASE_ADDONS.map((name) => ({ name })),
    ...REPLACED_ADDONS.filter((name) => !extraNames.has(name)).map((name) => ({ name, disabled: true })),
    ...extra.map((a) => ({ name: a.name, ...(a.config ? { config: a.config } : {}), ...(a.disabled ? { disabled: true } : {}) })),
  ];
}
