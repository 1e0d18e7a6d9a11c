/** Rules that keep a workload's pods off their node: no host namespaces, no node paths, no node ports. */
import { describeContainer, isLogCollector, podTemplateOf } from "../../lib/kubernetes";
import { asArray, asObject } from "../../lib/policy";
import { containerRule, workloadRule } from "../../lib/workloadRule";

export const noHostNamespaces = workloadRule(
  {
    name: "no-host-namespaces",
    description: "Pods in the node's network, process or IPC namespace can see and disturb everything else on the node.",
    severity: "critical",
  },
  (props, args, report) => {
    const spec = podTemplateOf(args.type, props).spec ?? {};
    const collector = isLogCollector(args.type, props);
    const hint = "or, if this is the log collector, label it 'ack-platform/role: log-collector'";
    if (spec["hostNetwork"] === true && !collector)
      report(`its pods use the node's network (hostNetwork: true); remove hostNetwork, ${hint}`);
    if (spec["hostPID"] === true && !collector) report(`its pods see the node's processes (hostPID: true); remove hostPID, ${hint}`);
    if (spec["hostIPC"] === true) report("its pods share the node's IPC namespace (hostIPC: true); remove hostIPC");
  },
);

export const noHostPath = workloadRule(
  {
    name: "no-host-path",
    description: "A hostPath volume ties a pod to one node's disk and lets it read or change the node's files.",
    severity: "high",
  },
  (props, args, report) => {
    if (isLogCollector(args.type, props)) return;
    for (const volume of asArray(podTemplateOf(args.type, props).spec?.["volumes"])) {
      const hostPath = asObject(volume?.["hostPath"]);
      if (!hostPath) continue;
      report(
        `volume '${volume["name"]}' mounts the node's '${hostPath["path"]}' (hostPath); use an emptyDir or a PersistentVolumeClaim (only the log collector, labelled 'ack-platform/role: log-collector', may mount node paths)`,
      );
    }
  },
);

export const noHostPort = containerRule(
  {
    name: "no-host-port",
    description: "A hostPort binds a port on the node itself: two such pods cannot share a node, and the port bypasses the Service.",
    severity: "low",
    enforcementLevel: "advisory",
  },
  (c, report) => {
    for (const port of asArray(c.spec["ports"])) {
      const hostPort = port?.["hostPort"];
      if (hostPort !== undefined && hostPort !== 0) {
        report(
          `${describeContainer(c)} binds port ${hostPort} on the node (hostPort); remove hostPort and reach the container through a Service`,
        );
      }
    }
  },
);
