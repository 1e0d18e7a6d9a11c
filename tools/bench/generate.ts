/**
 * Generated production stacks for the benchmark: a realistic mix of services (a quarter on the JVM,
 * one in five with a canary, one in ten reachable by header first, one in twenty still splitting
 * traffic with legacy VMs), on top of the production stack's own cloud and platform settings.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";

/**
 * The VMs the migrating services still send traffic to: one network the generated stack declares
 * beside the production stack's own (the config refuses a legacy endpoint outside the VPC and every
 * declared network). Its block lies outside prod's VPC (10.30.0.0/16), the default service CIDR
 * (172.21.0.0/20) and prod's payments network (192.168.10.0/24), which the config also checks.
 */
export const LEGACY_NETWORK = {
  name: "bench-vms",
  cidrs: ["192.168.128.0/17"],
  nextHop: { type: "VpnGateway", id: "vpn-bp1benchlegacyvms0001" },
};
/** The secret config key of the testers' header value (a header value in clear is refused in prod). */
const TESTERS_TOKEN = "benchTestersToken";
const LEGACY_PREFIX = "192.168";
const LEGACY_THIRD_OCTET = 128;

export function generatedServices(count: number): Array<Record<string, unknown>> {
  const services: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const name = `svc-${String(i).padStart(3, "0")}`;
    const jvm = i % 4 === 0;
    const routed = i % 3 !== 2;
    const service: Record<string, unknown> = {
      name,
      version: `1.${i % 7}.${i % 11}`,
      ...(jvm ? { runtime: "jvm", health: { warmupSeconds: 60 } } : {}),
      resources: jvm ? { cpu: "500m", memory: "1Gi" } : { cpu: "100m", memory: "256Mi" },
      replicas: { min: 3, max: 6 + (i % 5) },
      ...(routed ? { route: { host: `api${i % 8}.acme.example.com`, path: `/${name}` } } : {}),
    };
    if (routed && i % 5 === 0) {
      service["canary"] = {
        version: `1.${(i % 7) + 1}.0`,
        weight: (i * 7) % 50,
        ...(i % 10 === 0 ? { header: { name: "x-acme-canary", valueSecret: TESTERS_TOKEN } } : {}),
      };
    }
    if (routed && i % 20 === 3) {
      const block = `${LEGACY_PREFIX}.${LEGACY_THIRD_OCTET + (i % 128)}`;
      service["legacy"] = { endpoints: [`${block}.10:8080`, `${block}.11:8080`], weight: 30 };
    }
    services.push(service);
  }
  return services;
}

/**
 * A project directory (a new one under `parent`) with a copy of the production stack whose services
 * are replaced by `count` generated ones. Returns the directory and the stack name.
 */
export function generatedProject(repo: string, count: number, parent = os.tmpdir()): { dir: string; stack: string } {
  const dir = fs.mkdtempSync(path.join(parent, `bench-${count}-`));
  const stack = `bench${count}`;
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ack-platform\nruntime: nodejs\nmain: ${path.join(repo, "stacks")}\n`);
  const prod = YAML.parse(fs.readFileSync(path.join(repo, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
  prod.config["ack-platform:services"] = generatedServices(count);
  // Prod's jobs belong to its own services (they call them, use their images): not to the generated ones.
  delete prod.config["ack-platform:jobs"];
  // The node pools grow with the services, or the capacity rule refuses the stack: each generated
  // service asks for about 1.8 vCPU at peak, and a pool node gives 6.4 of its 8 (20% headroom).
  const cluster = prod.config["ack-platform:cluster"] as { nodePools?: Array<{ max: number; spot?: boolean }> } | undefined;
  const pools = cluster?.nodePools ?? [];
  const onDemand = pools.find((p) => !p.spot);
  if (cluster && onDemand) {
    const extra = Math.ceil(count * 0.3);
    cluster.nodePools = pools.map((p) => (p === onDemand ? { ...p, max: p.max + extra } : p));
  }
  // Encrypted in a real stack file; the plan reads any `secure:` value as a secret it cannot decrypt.
  prod.config[`ack-platform:${TESTERS_TOKEN}`] = { secure: "v1:bench" };
  const network = (prod.config["ack-platform:network"] ?? {}) as { legacyNetworks?: unknown[] };
  prod.config["ack-platform:network"] = { ...network, legacyNetworks: [...(network.legacyNetworks ?? []), LEGACY_NETWORK] };
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify(prod));
  return { dir, stack };
}
