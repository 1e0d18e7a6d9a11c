/**
 * The policy pack's entry point, run by the Pulumi CLI (`pulumi preview --policy-pack policies`).
 * Constructing the PolicyPack starts a gRPC server and may exit the process, so nothing else
 * imports this file: tests and the offline plan import ./rules.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME } from "./pack";
import { RULES } from "./rules";

new PolicyPack(PACK_NAME, {
  description: "Workload, gray-release, capacity, cloud and data rules for a container platform on Alibaba Cloud.",
  // Every rule sets its own default enforcement, so the pack's default reaches none of them.
  enforcementLevel: "advisory",
  policies: [...RULES],
});
