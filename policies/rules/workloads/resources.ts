/**
 * Rules on what a workload's containers ask of a node: requests to be placed by, a memory limit,
 * and memory requested as much as the limit allows.
 */
import { type Container, describeContainer } from "../../lib/kubernetes";
import { asObject } from "../../lib/policy";
import { memoryBytes } from "../../lib/quantities";
import { containerRule } from "../../lib/workloadRule";

export function resourcesOf(c: Container): { requests: Record<string, any>; limits: Record<string, any> } {
  const resources = asObject(c.spec["resources"]);
  return { requests: asObject(resources?.["requests"]) ?? {}, limits: asObject(resources?.["limits"]) ?? {} };
}

export const containerRequests = containerRule(
  {
    name: "container-requests",
    description: "The scheduler places pods by their requests: a container without them lands on nodes that have no room for it.",
    severity: "high",
  },
  (c, report) => {
    const { requests } = resourcesOf(c);
    if (requests["cpu"] === undefined) report(`${describeContainer(c)} has no CPU request; set resources.requests.cpu, e.g. '250m'`);
    if (requests["memory"] === undefined)
      report(`${describeContainer(c)} has no memory request; set resources.requests.memory, e.g. '512Mi'`);
  },
);

export const containerMemoryLimit = containerRule(
  {
    name: "container-memory-limit",
    description: "A container without a memory limit can take all of a node's memory and bring down everything else on it.",
    severity: "critical",
  },
  (c, report) => {
    if (resourcesOf(c).limits["memory"] === undefined) {
      report(`${describeContainer(c)} has no memory limit; set resources.limits.memory, e.g. '512Mi'`);
    }
  },
);

export const memoryRequestEqualsLimit = containerRule(
  {
    name: "memory-request-equals-limit",
    description:
      "Memory above the request is not reserved: under pressure the node kills the pod that uses it, so request what the limit allows.",
    severity: "medium",
  },
  (c, report) => {
    const { requests, limits } = resourcesOf(c);
    const request = memoryBytes(requests["memory"]);
    const limit = memoryBytes(limits["memory"]);
    if (request === undefined || limit === undefined || request === limit) return;
    report(
      `${describeContainer(c)} requests memory '${requests["memory"]}' but its limit is '${limits["memory"]}'; set resources.requests.memory to '${limits["memory"]}', equal to the limit`,
    );
  },
);
