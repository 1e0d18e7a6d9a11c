import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { capabilitiesDropped, noPrivilegeEscalation, noPrivileged, readOnlyRootFilesystem, runAsNonRoot } from "../../../../policies/rules";
import { check, daemonSet, deployment } from "../../helpers";

/** The first container of a workload's pod template. */
const web = (d: any) => d.spec.template.spec.containers[0];

describe("run-as-non-root", () => {
  it("passes runAsNonRoot on the pod, and a non-zero user on the container", () => {
    const userOnly = deployment((d) => {
      delete d.spec.template.spec.securityContext;
      web(d).securityContext = { ...web(d).securityContext, runAsNonRoot: undefined, runAsUser: 1000 };
      delete web(d).securityContext.runAsNonRoot;
    });
    assert.deepEqual(check(runAsNonRoot, [deployment(), userOnly]), []);
  });
  it("names a container that may run as root", () => {
    const maybeRoot = deployment((d) => {
      delete d.spec.template.spec.securityContext;
      delete web(d).securityContext.runAsNonRoot;
    });
    assert.deepEqual(check(runAsNonRoot, maybeRoot), [
      "container 'web' may run as root; set securityContext.runAsNonRoot: true (on the pod or the container)",
    ]);
  });
  it("names a container that runs as root, the container's setting over the pod's", () => {
    assert.deepEqual(
      check(
        runAsNonRoot,
        deployment((d) => (web(d).securityContext.runAsUser = 0)),
      ),
      ["container 'web' runs as root (runAsUser: 0); set a non-zero runAsUser and runAsNonRoot: true"],
    );
  });
  it("lets the log collector run as root to read the node's logs", () => {
    const collector = daemonSet((d) => {
      d.metadata.labels["ack-platform/role"] = "log-collector";
      d.spec.template.spec.securityContext = { runAsUser: 0 };
    });
    assert.deepEqual(check(runAsNonRoot, collector), []);
  });
});

describe("no-privileged", () => {
  it("passes an unprivileged container", () => {
    assert.deepEqual(check(noPrivileged, deployment()), []);
  });
  it("names a privileged container", () => {
    assert.deepEqual(
      check(
        noPrivileged,
        deployment((d) => (web(d).securityContext.privileged = true)),
      ),
      ["container 'web' is privileged; remove securityContext.privileged"],
    );
  });
});

describe("no-privilege-escalation", () => {
  it("passes allowPrivilegeEscalation: false", () => {
    assert.deepEqual(check(noPrivilegeEscalation, deployment()), []);
  });
  it("names a container that leaves escalation at its default", () => {
    assert.deepEqual(
      check(
        noPrivilegeEscalation,
        deployment((d) => delete web(d).securityContext.allowPrivilegeEscalation),
      ),
      ["container 'web' does not forbid privilege escalation; set securityContext.allowPrivilegeEscalation: false"],
    );
  });
});

describe("read-only-root-filesystem", () => {
  it("passes a read-only root filesystem", () => {
    assert.deepEqual(check(readOnlyRootFilesystem, deployment()), []);
  });
  it("names a container with a writable root filesystem", () => {
    assert.deepEqual(
      check(
        readOnlyRootFilesystem,
        deployment((d) => (web(d).securityContext.readOnlyRootFilesystem = false)),
      ),
      [
        "container 'web' can write to its root filesystem; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write (e.g. /tmp)",
      ],
    );
  });
});

describe("capabilities-dropped", () => {
  it("passes drop ALL, with NET_BIND_SERVICE added back", () => {
    assert.deepEqual(
      check(
        capabilitiesDropped,
        deployment((d) => (web(d).securityContext.capabilities.add = ["NET_BIND_SERVICE"])),
      ),
      [],
    );
  });
  it("names a container that keeps the default capabilities", () => {
    assert.deepEqual(
      check(
        capabilitiesDropped,
        deployment((d) => delete web(d).securityContext.capabilities),
      ),
      ["container 'web' keeps the default Linux capabilities; set securityContext.capabilities.drop: ['ALL']"],
    );
  });
  it("names a capability added back", () => {
    assert.deepEqual(
      check(
        capabilitiesDropped,
        deployment((d) => (web(d).securityContext.capabilities.add = ["SYS_ADMIN"])),
      ),
      ["container 'web' adds capability 'SYS_ADMIN'; remove it from securityContext.capabilities.add (only NET_BIND_SERVICE may be added)"],
    );
  });
});
