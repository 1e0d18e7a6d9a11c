/**
 * Alibaba Cloud rules: who can reach the network and the cluster, what survives a mistaken
 * destroy, and whether the nodes are spread over zones and can reach the internet.
 */
import type { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { cidrContains } from "../lib/cidr";
import { asArray, asObject, configSchema, forTypes, prodOnly, type ResourceRule, type StackRule } from "../lib/policy";
import { CLOUD_BASELINE_RULES } from "./cloudBaseline";

export * from "./cloudBaseline";

const SECURITY_GROUP_RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
const SECURITY_GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
const LOAD_BALANCERS = [
  "alicloud:alb/loadBalancer:LoadBalancer",
  "alicloud:nlb/loadBalancer:LoadBalancer",
  "alicloud:slb/loadBalancer:LoadBalancer",
  "alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer",
];
const CLUSTERS = ["alicloud:cs/managedKubernetes:ManagedKubernetes", "alicloud:cs/kubernetes:Kubernetes"];
const NODE_POOL = "alicloud:cs/nodePool:NodePool";
const VSWITCH = "alicloud:vpc/switch:Switch";
const SNAT_ENTRY = "alicloud:vpc/snatEntry:SnatEntry";

/** Tag of a security group that belongs to a load balancer: the one place open to the internet. */
export const LOAD_BALANCER_ROLE_TAG = { key: "ack-platform/role", value: "load-balancer" } as const;

const ANYWHERE = new Set(["0.0.0.0/0", "::/0"]);

export const securityGroupPublicIngress: StackRule = {
  name: "security-group-public-ingress",
  description: "A port open to the whole internet is found by scanners within minutes; only web traffic to a load balancer should be.",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [SECURITY_GROUP_RULE],
  validateStack: (args, report) => {
    const loadBalancers = args.resources.filter((r) => LOAD_BALANCERS.includes(r.type));
    for (const r of args.resources.filter((r) => r.type === SECURITY_GROUP_RULE)) {
      const p = r.props;
      if (p["type"] !== "ingress" || p["policy"] === "drop") continue;
      if (!ANYWHERE.has(String(p["cidrIp"])) && !ANYWHERE.has(String(p["ipv6CidrIp"]))) continue;
      const protocol = String(p["ipProtocol"]);
      const ports = String(p["portRange"] ?? "-1/-1");
      const what = protocol === "all" ? "every port of every protocol" : `${protocol} ${ports === "-1/-1" ? "on every port" : ports}`;
      const web = protocol === "tcp" && (ports === "80/80" || ports === "443/443");
      if (!web) {
        report(
          `security group rule '${r.name}' lets the whole internet reach ${what}; allow only the addresses that need it (an office or bastion CIDR), and take public traffic through a load balancer on 80/443`,
          r.urn,
        );
        continue;
      }
      const group = r.dependencies.find((d) => d.type === SECURITY_GROUP);
      const tagged = group !== undefined && asObject(group.props["tags"])?.[LOAD_BALANCER_ROLE_TAG.key] === LOAD_BALANCER_ROLE_TAG.value;
      const usedByLoadBalancer = group !== undefined && loadBalancers.some((lb) => lb.dependencies.some((d) => d.urn === group.urn));
      if (!tagged && !usedByLoadBalancer) {
        report(
          `security group rule '${r.name}' opens ${what} to the whole internet on a security group that is not a load balancer's; open 80/443 only on the load balancer's security group (tagged '${LOAD_BALANCER_ROLE_TAG.key}: ${LOAD_BALANCER_ROLE_TAG.value}')`,
          r.urn,
        );
      }
    }
  },
};

export const apiServerPrivateInProd: ResourceRule = {
  name: "api-server-private-in-prod",
  description: "A production API server on the internet is one leaked kubeconfig or one API bug away from losing the cluster.",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: CLUSTERS,
  validateResource: forTypes(CLUSTERS, (props, args, report) => {
    prodOnly(args);
    const enabled = props["slbInternetEnabled"];
    if (enabled === false) return;
    const why = enabled === undefined ? "slbInternetEnabled is not set, and the provider's default is true" : "slbInternetEnabled is true";
    report(
      `the API server gets a public address in prod (${why}); set slbInternetEnabled: false and reach it from the VPC (a bastion or a VPN)`,
    );
  }),
};

interface ProtectionField {
  readonly field: string;
  readonly want: boolean | string;
}

const PROTECTION: Readonly<Record<string, ProtectionField>> = {
  "alicloud:cs/managedKubernetes:ManagedKubernetes": { field: "deletionProtection", want: true },
  "alicloud:cs/kubernetes:Kubernetes": { field: "deletionProtection", want: true },
  "alicloud:vpc/natGateway:NatGateway": { field: "deletionProtection", want: true },
  "alicloud:ecs/eipAddress:EipAddress": { field: "deletionProtection", want: true },
  "alicloud:alb/loadBalancer:LoadBalancer": { field: "deletionProtectionEnabled", want: true },
  "alicloud:nlb/loadBalancer:LoadBalancer": { field: "deletionProtectionEnabled", want: true },
  "alicloud:slb/loadBalancer:LoadBalancer": { field: "deleteProtection", want: "on" },
  "alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer": { field: "deleteProtection", want: "on" },
};
const REGISTRY_INSTANCE = "alicloud:cr/registryEnterpriseInstance:RegistryEnterpriseInstance";

export const deletionProtectionInProd: ResourceRule = {
  name: "deletion-protection-in-prod",
  description:
    "A production cluster, gateway address or registry deleted by a mistaken destroy or replacement takes hours to rebuild, and its addresses never come back.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [...Object.keys(PROTECTION), REGISTRY_INSTANCE],
  validateResource: forTypes([...Object.keys(PROTECTION), REGISTRY_INSTANCE], (props, args: ResourceValidationArgs, report) => {
    prodOnly(args);
    if (args.type === REGISTRY_INSTANCE) {
      // ACR has no deletion protection of its own; Pulumi's protect option stands in for it.
      if (!args.opts.protect)
        report("the registry instance is not protected in prod; declare it with the resource option { protect: true }");
      return;
    }
    const { field, want } = PROTECTION[args.type]!;
    const value = props[field];
    if (value === want) return;
    report(
      `${field} is ${value === undefined ? "not set" : JSON.stringify(value)} in prod; set ${field}: ${JSON.stringify(want)}, so a mistaken destroy or replacement cannot delete it`,
    );
  }),
};

const REGISTRY_NAMESPACES = ["alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace", "alicloud:cr/namespace:Namespace"];
const REGISTRY_REPOS = ["alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo", "alicloud:cr/repo:Repo"];
const REGISTRY_INTERNET = "alicloud:cr/internetEndpoint:InternetEndpoint";

export const registryPrivate: ResourceRule = {
  name: "registry-private",
  description: "Images carry the code and often the configuration of every service; anyone who can pull them can read both.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [...REGISTRY_NAMESPACES, ...REGISTRY_REPOS, REGISTRY_INTERNET],
  validateResource: forTypes([...REGISTRY_NAMESPACES, ...REGISTRY_REPOS, REGISTRY_INTERNET], (props, args, report) => {
    if (REGISTRY_NAMESPACES.includes(args.type)) {
      if (String(props["defaultVisibility"]).toUpperCase() === "PUBLIC") {
        report("the namespace makes the repositories it creates public (defaultVisibility: PUBLIC); set defaultVisibility: PRIVATE");
      }
    } else if (REGISTRY_REPOS.includes(args.type)) {
      if (String(props["repoType"]).toUpperCase() === "PUBLIC")
        report("the repository is public (repoType: PUBLIC); set repoType: PRIVATE");
    } else {
      const entries = asArray(props["entries"]).map((e) => String(e?.["entry"]));
      if (entries.length === 0) {
        report(
          "the registry's internet endpoint has no access list, so the whole internet can reach it; list in entries the CIDR blocks that need it (CI runners, offices), or pull through the VPC endpoint only",
        );
      }
      for (const open of entries.filter((e) => ANYWHERE.has(e))) {
        report(`the registry's internet endpoint admits ${open}; list only the CIDR blocks that need it (CI runners, offices)`);
      }
    }
  }),
};

interface VSwitchUse {
  readonly vswitch: PolicyResource;
  /** "node pool 'general'", "cluster 'prod'". */
  readonly user: string;
}

function clusterOrPoolName(r: PolicyResource): string {
  if (r.type === NODE_POOL) return `node pool '${String(r.props["nodePoolName"] ?? r.props["name"] ?? r.name)}'`;
  return `cluster '${String(r.props["name"] ?? r.name)}'`;
}

/** vSwitches the cluster and its node pools run in, found through what they depend on. */
function vswitchesInUse(resources: readonly PolicyResource[]): VSwitchUse[] {
  const uses: VSwitchUse[] = [];
  for (const r of resources.filter((r) => r.type === NODE_POOL || CLUSTERS.includes(r.type))) {
    for (const d of r.dependencies.filter((d) => d.type === VSWITCH)) uses.push({ vswitch: d, user: clusterOrPoolName(r) });
  }
  return uses;
}

function zoneOf(vswitch: PolicyResource): string {
  return String(vswitch.props["zoneId"] ?? vswitch.props["availabilityZone"] ?? "(no zone)");
}

export const multiZoneInProd: StackRule = {
  name: "multi-zone-in-prod",
  description: "Nodes in one availability zone all go down with it; production needs at least two.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [VSWITCH, NODE_POOL, ...CLUSTERS],
  validateStack: (args, report) => {
    prodOnly(args);
    const vswitches = args.resources.filter((r) => r.type === VSWITCH);
    const zones = new Set(vswitches.map(zoneOf));
    if (vswitches.length > 0 && zones.size < 2) {
      report(
        `every vSwitch of the stack is in one zone (${[...zones].join(", ")}); add vSwitches in a second zone and spread the node pools over them`,
      );
    }
    for (const r of args.resources.filter((r) => r.type === NODE_POOL || CLUSTERS.includes(r.type))) {
      const own = r.dependencies.filter((d) => d.type === VSWITCH);
      const who = clusterOrPoolName(r);
      if (own.length > 0) {
        const ownZones = new Set(own.map(zoneOf));
        if (ownZones.size < 2)
          report(`${who} runs in one zone (${[...ownZones].join(", ")}); give it vSwitches in at least 2 zones`, r.urn);
      } else {
        const ids = asArray(r.props["vswitchIds"]);
        if (ids.length < 2)
          report(
            `${who} has ${ids.length} vSwitch${ids.length === 1 ? "" : "es"} (vswitchIds); give it vSwitches in at least 2 zones`,
            r.urn,
          );
      }
    }
  },
};

export const natForPrivateVswitches: StackRule = {
  name: "nat-for-private-vswitches",
  description: "Nodes in a vSwitch without SNAT cannot pull public images or reach outside services, so pods fail to start.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [VSWITCH, SNAT_ENTRY, NODE_POOL, ...CLUSTERS],
  validateStack: (args, report) => {
    // A cluster created with newNatGateway (the provider's default) gets a NAT gateway and SNAT from ACK itself.
    if (args.resources.some((r) => CLUSTERS.includes(r.type) && r.props["newNatGateway"] !== false)) return;
    const snat = args.resources.filter((r) => r.type === SNAT_ENTRY);
    const seen = new Set<string>();
    for (const { vswitch, user } of vswitchesInUse(args.resources)) {
      if (seen.has(vswitch.urn)) continue;
      seen.add(vswitch.urn);
      const cidr = String(vswitch.props["cidrBlock"] ?? "");
      const covered = snat.some(
        (s) =>
          s.dependencies.some((d) => d.urn === vswitch.urn) ||
          (typeof s.props["sourceCidr"] === "string" && cidrContains(s.props["sourceCidr"], cidr)),
      );
      if (!covered) {
        report(
          `vSwitch '${String(vswitch.props["vswitchName"] ?? vswitch.name)}' (${cidr || "no CIDR"}) of ${user} has no SNAT entry, so what runs there cannot reach the internet; add a vpc.SnatEntry with sourceVswitchId (or a sourceCidr covering it) on a NAT gateway`,
          vswitch.urn,
        );
      }
    }
  },
};

export const CLOUD_RULES = [
  securityGroupPublicIngress,
  apiServerPrivateInProd,
  deletionProtectionInProd,
  registryPrivate,
  multiZoneInProd,
  natForPrivateVswitches,
  ...CLOUD_BASELINE_RULES,
] as const;
