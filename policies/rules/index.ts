/**
 * Every rule of the pack, in the order the report lists them. Importing this module starts nothing:
 * the policy server is started only by the pack's entry point (../index.ts).
 */
import type { Rule } from "../lib/policy";
import { AVAILABILITY_RULES } from "./availability";
import { CAPACITY_RULES } from "./capacity";
import { CLOUD_RULES } from "./cloud";
import { DATA_RULES } from "./data";
import { NETWORK_RULES } from "./network";
import { PLATFORM_RULES } from "./platform";
import { RELEASE_RULES } from "./release";
import { SUPPLY_RULES } from "./supply";
import { WORKLOAD_RULES } from "./workloads";

/** The rules by area, for the documentation. */
export const RULE_GROUPS: ReadonlyArray<{ readonly title: string; readonly rules: readonly Rule[] }> = [
  { title: "Workloads", rules: WORKLOAD_RULES },
  { title: "Availability", rules: AVAILABILITY_RULES },
  { title: "Gray release", rules: RELEASE_RULES },
  { title: "Capacity", rules: CAPACITY_RULES },
  { title: "Cloud", rules: CLOUD_RULES },
  { title: "Supply", rules: SUPPLY_RULES },
  { title: "Data", rules: DATA_RULES },
  { title: "Network", rules: NETWORK_RULES },
  { title: "Platform add-ons", rules: PLATFORM_RULES },
];

export const RULES: readonly Rule[] = RULE_GROUPS.flatMap((g) => g.rules);

export * from "./availability";
export * from "./capacity";
export * from "./cloud";
export * from "./data";
export * from "./network";
export * from "./platform";
export * from "./release";
export * from "./supply";
export * from "./workloads";
