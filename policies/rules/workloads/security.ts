/**
 * Rules on what a container may do on its node: never as root, never privileged, no escalation,
 * a read-only root filesystem, and no Linux capabilities beyond binding a low port.
 */
import { type Container, describeContainer, isLogCollector, podTemplateOf } from "../../lib/kubernetes";
import { asArray, asObject } from "../../lib/policy";
import { containerRule } from "../../lib/workloadRule";

function securityContextOf(c: Container): Record<string, any> {
  return asObject(c.spec["securityContext"]) ?? {};
}

export const runAsNonRoot = containerRule(
  {
    name: "run-as-non-root",
    description: "A process that runs as root inside the container is one kernel bug away from root on the node.",
    severity: "high",
  },
  (c, report, { type, props }) => {
    // The log collector reads the node's log files, which only root may read.
    if (isLogCollector(type, props)) return;
    const pod = asObject(podTemplateOf(type, props).spec?.["securityContext"]) ?? {};
    const sc = securityContextOf(c);
    const user = sc["runAsUser"] ?? pod["runAsUser"];
    const nonRoot = sc["runAsNonRoot"] ?? pod["runAsNonRoot"];
    if (user === 0) {
      report(`${describeContainer(c)} runs as root (runAsUser: 0); set a non-zero runAsUser and runAsNonRoot: true`);
    } else if (nonRoot !== true && !(typeof user === "number" && user > 0)) {
      report(`${describeContainer(c)} may run as root; set securityContext.runAsNonRoot: true (on the pod or the container)`);
    }
  },
);

export const noPrivileged = containerRule(
  { name: "no-privileged", description: "A privileged container has full control of the node it runs on.", severity: "critical" },
  (c, report) => {
    if (securityContextOf(c)["privileged"] === true) report(`${describeContainer(c)} is privileged; remove securityContext.privileged`);
  },
);

export const noPrivilegeEscalation = containerRule(
  {
    name: "no-privilege-escalation",
    description: "Unless escalation is forbidden, a setuid binary in the image can give a process more rights than it started with.",
    severity: "high",
  },
  (c, report) => {
    if (securityContextOf(c)["allowPrivilegeEscalation"] !== false) {
      report(`${describeContainer(c)} does not forbid privilege escalation; set securityContext.allowPrivilegeEscalation: false`);
    }
  },
);

export const readOnlyRootFilesystem = containerRule(
  {
    name: "read-only-root-filesystem",
    description: "A writable root filesystem lets an intruder change the application's own files, and hides state that a restart loses.",
    severity: "medium",
  },
  (c, report) => {
    if (securityContextOf(c)["readOnlyRootFilesystem"] !== true) {
      report(
        `${describeContainer(c)} can write to its root filesystem; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write (e.g. /tmp)`,
      );
    }
  },
);

export const capabilitiesDropped = containerRule(
  {
    name: "capabilities-dropped",
    description:
      "The default Linux capabilities (raw sockets, chown, kill) are more than an application needs, and an intruder gets them all.",
    severity: "medium",
  },
  (c, report) => {
    const caps = asObject(securityContextOf(c)["capabilities"]) ?? {};
    if (!asArray(caps["drop"]).some((d) => String(d).toUpperCase() === "ALL")) {
      report(`${describeContainer(c)} keeps the default Linux capabilities; set securityContext.capabilities.drop: ['ALL']`);
    }
    for (const added of asArray(caps["add"])) {
      if (String(added).toUpperCase() !== "NET_BIND_SERVICE") {
        report(
          `${describeContainer(c)} adds capability '${added}'; remove it from securityContext.capabilities.add (only NET_BIND_SERVICE may be added)`,
        );
      }
    }
  },
);
