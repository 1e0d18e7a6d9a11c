/**
 * ack-platform: Pulumi components for a container platform on Alibaba Cloud.
 *
 *   import { Microservice } from "ack-platform";            // or "ack-platform/workload"
 */
export * from "./components/workload";
export { WorkloadNamespace, type WorkloadNamespaceArgs } from "./components/platform/workloadNamespace";
