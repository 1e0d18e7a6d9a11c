import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { goJson as componentsGoJson } from "../../../components/cloud/addonConfig";
import { goJson } from "../../../policies/lib/goJson";
import {
  ackAuditLogsInProd,
  ackRrsaInProd,
  ackSecretEncryptionInProd,
  addonConfigStoredForm,
  cloudResourcesProtectedInProd,
  legacyBackendsRouted,
  registryCredentialsCoverPulls,
  registryCredentialsScopedInProd,
} from "../../../policies/rules";
import { changed, check, container, deployment, resource } from "../helpers";

const CLUSTER = "alicloud:cs/managedKubernetes:ManagedKubernetes";
const ADDON = "alicloud:cs/kubernetesAddon:KubernetesAddon";
const PROD_CLUSTER = {
  name: "acme-prod",
  auditLogConfig: { enabled: true },
  controlPlaneLogComponents: ["apiserver", "kcm", "scheduler", "ccm", "controlplane-events"],
  controlPlaneLogTtl: "30",
  encryptionProviderKey: "key-hzz1",
  disableEncryption: false,
  enableRrsa: true,
};
const cluster = (change?: (c: any) => void) => resource(CLUSTER, changed(PROD_CLUSTER, change), { name: "cluster" });

describe("ack-audit-logs-in-prod", () => {
  it("passes audit and API server logs, and any cluster outside prod", () => {
    assert.deepEqual(check(ackAuditLogsInProd, cluster()), []);
    assert.deepEqual(
      check(
        ackAuditLogsInProd,
        cluster((c) => delete c.auditLogConfig),
        { environment: "staging" },
      ),
      [],
    );
  });
  it("names an audit log that is off and API server logs that are not collected", () => {
    assert.deepEqual(
      check(
        ackAuditLogsInProd,
        cluster((c) => {
          c.auditLogConfig.enabled = false;
          c.controlPlaneLogComponents = ["kcm"];
        }),
      ),
      [
        "the API server's audit log is off in prod; set auditLogConfig: { enabled: true }",
        "the API server's logs are not collected in prod (controlPlaneLogComponents: [kcm]); include 'apiserver', with controlPlaneLogTtl",
      ],
    );
  });
});

describe("ack-secret-encryption-in-prod", () => {
  it("passes a KMS key", () => assert.deepEqual(check(ackSecretEncryptionInProd, cluster()), []));
  it("names a cluster without a key, and a key that is switched off", () => {
    assert.deepEqual(
      check(
        ackSecretEncryptionInProd,
        cluster((c) => delete c.encryptionProviderKey),
      ),
      ["Secrets are not encrypted with a KMS key in prod; set encryptionProviderKey to a KMS key id, with disableEncryption: false"],
    );
    assert.deepEqual(
      check(
        ackSecretEncryptionInProd,
        cluster((c) => (c.disableEncryption = true)),
      ),
      ["disableEncryption is true, so the KMS key is ignored; set disableEncryption: false"],
    );
  });
});

describe("ack-rrsa-in-prod", () => {
  it("passes RRSA on", () => assert.deepEqual(check(ackRrsaInProd, cluster()), []));
  it("names RRSA off", () => {
    assert.deepEqual(
      check(
        ackRrsaInProd,
        cluster((c) => delete c.enableRrsa),
      ),
      ["RRSA is off in prod; set enableRrsa: true, so that pods assume RAM roles of their own"],
    );
  });
});

describe("cloud-resources-protected-in-prod", () => {
  const types = [
    "alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace",
    "alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo",
    "alicloud:vpc/switch:Switch",
    "alicloud:cs/nodePool:NodePool",
    "alicloud:kms/key:Key",
  ];
  it("passes each when protected, and anything outside prod", () => {
    for (const type of types) {
      assert.deepEqual(check(cloudResourcesProtectedInProd, resource(type, {}, { protect: true })), [], type);
      assert.deepEqual(check(cloudResourcesProtectedInProd, resource(type, {}), { environment: "staging" }), [], type);
    }
  });
  it("names an unprotected repository and node pool, with why and how", () => {
    assert.deepEqual(check(cloudResourcesProtectedInProd, resource(types[1]!, { name: "orders" })), [
      "not protected in prod, and the repository holds every image released, which a rollback needs; declare it with the resource option { protect: true } (to delete it on purpose: pulumi state unprotect, then pulumi up)",
    ]);
    assert.match(
      check(cloudResourcesProtectedInProd, resource(types[3]!, {}))[0]!,
      /deleting or replacing the node pool drains and deletes its nodes/,
    );
  });
});

describe("addon-config-stored-form", () => {
  it("passes a config in Go's json.Marshal form, and an add-on without config", () => {
    assert.deepEqual(
      check(addonConfigStoredForm, resource(ADDON, { name: "x", config: '{"a":{"b":1,"c":[2]},"d":"<"}'.replace("<", "\\u003c") })),
      [],
    );
    assert.deepEqual(check(addonConfigStoredForm, resource(ADDON, { name: "x" })), []);
  });
  it("names a config in insertion order or with spaces, with the form to write", () => {
    assert.deepEqual(
      check(addonConfigStoredForm, resource(ADDON, { name: "x", config: '{"watchNamespace":"apps", "enableRRSA":false}' })),
      [
        `the add-on's config is not in the form the provider stores (Go's json.Marshal: keys sorted, no spaces); write it as {"enableRRSA":false,"watchNamespace":"apps"}`,
      ],
    );
    assert.deepEqual(check(addonConfigStoredForm, resource(ADDON, { name: "x", config: "{oops" })), [
      "the add-on's config is not a JSON object; the provider cannot parse it",
    ]);
  });
  it("states the stored form the components write", () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => assert.equal(goJson(v), componentsGoJson(v))));
  });
});

const DOMAIN = "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com";
const helper = (watchNamespace: string) =>
  resource(ADDON, {
    name: "managed-aliyun-acr-credential-helper",
    config: goJson({
      AcrInstanceInfo: [{ domains: DOMAIN, instanceId: "cri-1", regionId: "cn-hangzhou" }],
      enableRRSA: false,
      expiringThreshold: "15m",
      serviceAccount: "*",
      watchNamespace,
    }),
  });

describe("registry-credentials-scoped-in-prod", () => {
  it("passes the namespaces that pull", () => assert.deepEqual(check(registryCredentialsScopedInProd, helper("apps,monitoring")), []));
  it("names every namespace, and system ones", () => {
    assert.deepEqual(check(registryCredentialsScopedInProd, helper("all")), [
      "the credential helper puts pull secrets in every namespace; set watchNamespace to the namespaces whose pods pull",
    ]);
    assert.deepEqual(check(registryCredentialsScopedInProd, helper("apps,kube-system")), [
      "the credential helper watches system namespaces (kube-system); leave them to ACK",
    ]);
  });
});

describe("registry-credentials-cover-pulls", () => {
  const pulling = (namespace: string) =>
    deployment((d) => {
      d.metadata.namespace = namespace;
      d.spec.template.spec.containers = [{ ...container(), image: `${DOMAIN}/acme/orders:1.4.2` }];
    });
  const release = (namespace: string) =>
    resource("kubernetes:helm.sh/v3:Release", {
      name: "monitoring-stack",
      namespace,
      values: { global: { imageRegistry: `${DOMAIN}/quay` } },
    });
  it("passes pods and releases in watched namespaces, and pods that pull elsewhere", () => {
    assert.deepEqual(check(registryCredentialsCoverPulls, [helper("apps,monitoring"), pulling("apps"), release("monitoring")]), []);
    const elsewhere = deployment((d) => {
      d.metadata.namespace = "tools";
      d.spec.template.spec.containers = [{ ...container(), image: "harbor.example.com/tools/orders:1.4.2" }];
    });
    assert.deepEqual(check(registryCredentialsCoverPulls, [helper("apps"), elsewhere]), []);
  });
  it("names a subchart that deploys its pods in a namespace of its own", () => {
    const kps = resource("kubernetes:helm.sh/v3:Release", {
      name: "kube-prometheus-stack",
      namespace: "monitoring",
      values: { global: { imageRegistry: DOMAIN }, "prometheus-node-exporter": { namespaceOverride: "node-exporter" } },
    });
    assert.deepEqual(check(registryCredentialsCoverPulls, [helper("monitoring,node-exporter"), kps]), []);
    assert.deepEqual(check(registryCredentialsCoverPulls, [helper("monitoring"), kps]), [
      `the Helm release 'kube-prometheus-stack' (a subchart) pulls from ${DOMAIN}, but the credential helper watches only monitoring; add namespace 'node-exporter' to it`,
    ]);
  });
  it("names a workload and a release whose namespace is not watched", () => {
    assert.deepEqual(check(registryCredentialsCoverPulls, [helper("apps"), pulling("batch"), release("monitoring")]), [
      `Deployment 'batch/orders' pulls from ${DOMAIN}, but the credential helper watches only apps; add namespace 'batch' to it`,
      `the Helm release 'monitoring-stack' pulls from ${DOMAIN}, but the credential helper watches only apps; add namespace 'monitoring' to it`,
    ]);
  });
});

describe("legacy-backends-routed", () => {
  const vpc = resource("alicloud:vpc/network:Network", { cidrBlock: "10.30.0.0/16" }, { name: "vpc" });
  const table = resource("alicloud:vpc/routeTable:RouteTable", { vpcId: "vpc-1" }, { name: "routes-h", dependsOn: [vpc] });
  const route = (on: ReturnType<typeof resource>, cidr = "192.168.10.0/24", name = `legacy-${on.name}`) =>
    resource(
      "alicloud:vpc/routeEntry:RouteEntry",
      { destinationCidrblock: cidr, nexthopType: "VpnGateway", nexthopId: "vpn-1" },
      { name, dependsOn: [on] },
    );
  const slice = (...addresses: string[]) =>
    resource("kubernetes:discovery.k8s.io/v1:EndpointSlice", {
      metadata: { name: "payments-legacy-8080", namespace: "apps" },
      addressType: "IPv4",
      endpoints: addresses.map((a) => ({ addresses: [a] })),
    });
  it("passes backends routed in every table, backends inside the VPC, and a stack without a VPC", () => {
    assert.deepEqual(check(legacyBackendsRouted, [vpc, table, route(vpc), route(table), slice("192.168.10.21", "10.30.4.9")]), []);
    assert.deepEqual(check(legacyBackendsRouted, [slice("192.168.10.21")]), []);
  });
  it("names a backend no route reaches, and the tables that lack the route", () => {
    assert.deepEqual(check(legacyBackendsRouted, [vpc, table, route(vpc), slice("192.168.10.21")]), [
      "EndpointSlice 'apps/payments-legacy-8080' sends traffic to 192.168.10.21, outside the VPC (10.30.0.0/16), but no route reaches it in route table 'routes-h'; declare the network and its next hop (network.legacyNetworks) so that every table routes it",
    ]);
    assert.match(
      check(legacyBackendsRouted, [vpc, route(vpc, "192.168.20.0/24"), slice("192.168.10.21")])[0]!,
      /in the system route table of VPC 'vpc'/,
    );
  });
});
