import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { noHostNamespaces, noHostPath, noHostPort } from "../../../../policies/rules";
import { check, daemonSet, deployment } from "../../helpers";

/** The first container of a workload's pod template. */
const web = (d: any) => d.spec.template.spec.containers[0];

describe("no-host-namespaces", () => {
  const hint = "or, if this is the log collector, label it 'ack-platform/role: log-collector'";
  it("passes a pod in its own namespaces", () => {
    assert.deepEqual(check(noHostNamespaces, daemonSet()), []);
  });
  it("names hostNetwork", () => {
    assert.deepEqual(
      check(
        noHostNamespaces,
        daemonSet((d) => (d.spec.template.spec.hostNetwork = true)),
      ),
      [`its pods use the node's network (hostNetwork: true); remove hostNetwork, ${hint}`],
    );
  });
  it("names hostPID", () => {
    assert.deepEqual(
      check(
        noHostNamespaces,
        daemonSet((d) => (d.spec.template.spec.hostPID = true)),
      ),
      [`its pods see the node's processes (hostPID: true); remove hostPID, ${hint}`],
    );
  });
  it("names hostIPC, even for the log collector", () => {
    const collector = daemonSet((d) => {
      d.spec.template.metadata.labels["ack-platform/role"] = "log-collector";
      Object.assign(d.spec.template.spec, { hostNetwork: true, hostPID: true, hostIPC: true });
    });
    assert.deepEqual(check(noHostNamespaces, collector), ["its pods share the node's IPC namespace (hostIPC: true); remove hostIPC"]);
  });
});

describe("no-host-path", () => {
  const logs = { name: "varlog", hostPath: { path: "/var/log" } };
  it("passes emptyDir volumes, and the log collector's node paths", () => {
    const collector = daemonSet((d) => {
      d.metadata.labels["ack-platform/role"] = "log-collector";
      d.spec.template.spec.volumes.push(logs);
    });
    assert.deepEqual(check(noHostPath, [deployment(), collector]), []);
  });
  it("names a hostPath volume of any other workload", () => {
    assert.deepEqual(
      check(
        noHostPath,
        daemonSet((d) => d.spec.template.spec.volumes.push(logs)),
      ),
      [
        "volume 'varlog' mounts the node's '/var/log' (hostPath); use an emptyDir or a PersistentVolumeClaim (only the log collector, labelled 'ack-platform/role: log-collector', may mount node paths)",
      ],
    );
  });
});

describe("no-host-port", () => {
  it("passes container ports without a host port", () => {
    assert.deepEqual(check(noHostPort, deployment()), []);
  });
  it("names a host port", () => {
    assert.deepEqual(
      check(
        noHostPort,
        deployment((d) => (web(d).ports[0].hostPort = 8080)),
      ),
      ["container 'web' binds port 8080 on the node (hostPort); remove hostPort and reach the container through a Service"],
    );
  });
});
