import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containerMemoryLimit, containerRequests, memoryRequestEqualsLimit } from "../../../../policies/rules";
import { check, container, cronJob, daemonSet, deployment, resource, statefulSet } from "../../helpers";

/** The first container of a workload's pod template. */
const web = (d: any) => d.spec.template.spec.containers[0];

describe("container-requests", () => {
  it("passes workloads whose containers request CPU and memory", () => {
    assert.deepEqual(check(containerRequests, [deployment(), statefulSet(), daemonSet(), cronJob()]), []);
  });
  it("names a container without a CPU request", () => {
    assert.deepEqual(
      check(
        containerRequests,
        deployment((d) => delete web(d).resources.requests.cpu),
      ),
      ["container 'web' has no CPU request; set resources.requests.cpu, e.g. '250m'"],
    );
  });
  it("names a container without a memory request", () => {
    assert.deepEqual(
      check(
        containerRequests,
        deployment((d) => delete web(d).resources.requests.memory),
      ),
      ["container 'web' has no memory request; set resources.requests.memory, e.g. '512Mi'"],
    );
  });
  it("judges init containers too, and the pod template of a CronJob", () => {
    const bare = { ...container("migrate"), resources: {} };
    assert.deepEqual(
      check(
        containerRequests,
        cronJob((c) => (c.spec.jobTemplate.spec.template.spec.initContainers = [bare])),
      ),
      [
        "init container 'migrate' has no CPU request; set resources.requests.cpu, e.g. '250m'",
        "init container 'migrate' has no memory request; set resources.requests.memory, e.g. '512Mi'",
      ],
    );
  });
  it("does not judge other kinds of resources", () => {
    assert.deepEqual(check(containerRequests, resource("kubernetes:core/v1:ConfigMap", { data: { containers: "[]" } })), []);
  });
});

describe("container-memory-limit", () => {
  it("passes containers with a memory limit and no CPU limit", () => {
    assert.deepEqual(check(containerMemoryLimit, deployment()), []);
  });
  it("names a container without a memory limit", () => {
    assert.deepEqual(
      check(
        containerMemoryLimit,
        deployment((d) => delete web(d).resources.limits),
      ),
      ["container 'web' has no memory limit; set resources.limits.memory, e.g. '512Mi'"],
    );
  });
});

describe("memory-request-equals-limit", () => {
  it("passes equal quantities written differently", () => {
    assert.deepEqual(
      check(
        memoryRequestEqualsLimit,
        deployment((d) => (web(d).resources.limits.memory = "0.5Gi")),
      ),
      [],
    );
  });
  it("names a request below the limit and the value to use", () => {
    assert.deepEqual(
      check(
        memoryRequestEqualsLimit,
        deployment((d) => (web(d).resources.requests.memory = "256Mi")),
      ),
      ["container 'web' requests memory '256Mi' but its limit is '512Mi'; set resources.requests.memory to '512Mi', equal to the limit"],
    );
  });
  it("leaves a missing request or limit to the other rules", () => {
    assert.deepEqual(
      check(
        memoryRequestEqualsLimit,
        deployment((d) => delete web(d).resources.limits),
      ),
      [],
    );
  });
});
