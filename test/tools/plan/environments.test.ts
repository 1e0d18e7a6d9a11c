import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeEnvironments, mayComeFromEnvironment, withEnvironmentNotes } from "../../../tools/plan/environments";

describe("ESC environments the offline plan cannot read", () => {
  it("are named in a sentence", () => {
    assert.equal(describeEnvironments({ environments: ["acme/prod"], inlineEnvironment: false }), "the ESC environment 'acme/prod'");
    assert.equal(
      describeEnvironments({ environments: ["a/x", "a/y", "a/z"], inlineEnvironment: true }, "or"),
      "the ESC environments 'a/x', 'a/y' or 'a/z' or the environment values inline in the stack file",
    );
    assert.equal(describeEnvironments({ environments: [], inlineEnvironment: true }), "the environment values inline in the stack file");
  });

  it("may hold a missing key reached through mappings, not one inside a list the stack file gives", () => {
    assert.ok(mayComeFromEnvironment({ path: "region", message: "is required: a region id such as 'cn-hangzhou'" }));
    assert.ok(mayComeFromEnvironment({ path: "gateway.tls.email", message: "is required with tls mode 'cert-manager': the contact" }));
    assert.ok(!mayComeFromEnvironment({ path: "services[0].version", message: "is required: a version tag" }));
    assert.ok(!mayComeFromEnvironment({ path: "zones", message: "needs at least 1 zone, got 0" }));
    assert.ok(!mayComeFromEnvironment({ path: "region", message: "'cn hangzhou' is not a region id" }));
  });

  it("are noted on the problems they might answer, naming only those whose values are merged", () => {
    const problems = [
      { path: "region", message: "is required: a region id" },
      { path: "services[0].version", message: "is required: a version tag" },
    ];
    const notes = withEnvironmentNotes(problems, {
      environments: ["acme/network", "acme/keys"],
      unmergedEnvironments: ["acme/keys"],
      inlineEnvironment: false,
    });
    assert.deepEqual(notes, [
      {
        path: "region",
        message: "is required: a region id (it may come from the ESC environment 'acme/network', which the offline plan cannot read)",
      },
      problems[1],
    ]);
    const none = { environments: ["acme/keys"], unmergedEnvironments: ["acme/keys"], inlineEnvironment: false };
    assert.deepEqual(withEnvironmentNotes(problems, none), problems, "an unmerged import gives no config of its own");
  });
});
