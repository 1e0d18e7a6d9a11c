import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DiskClass, diskClaimProblem, diskClassSizes, KNOWN_DISK_CLASSES } from "../../../components/platform/storage";
import { assertValidObjects } from "../../kubernetesSchemas";
import { manifestsOf, render, testProvider } from "../../harness";

describe("disk sizes", () => {
  const cases: Array<[string, string, boolean]> = [
    ["20Gi", "alicloud-disk-essd", true],
    ["19Gi", "alicloud-disk-essd", false],
    ["2Gi", "ack-platform-essd", false],
    ["20Gi", "alicloud-disk-topology-alltype", true],
    ["1Gi", "standard", true],
  ];
  for (const [size, storageClass, ok] of cases)
    it(`${ok ? "accepts" : "refuses"} ${size} on ${storageClass}`, () =>
      assert.equal(diskClaimProblem(size, storageClass) === undefined, ok));

  it("takes the smallest category of a class that tries several", () => {
    assert.deepEqual(diskClassSizes(KNOWN_DISK_CLASSES["alicloud-disk-topology-alltype"]!), { min: 20, max: 65536 });
    assert.deepEqual(diskClassSizes({ categories: ["cloud_essd"], performanceLevel: "PL3", bindingMode: "WaitForFirstConsumer" }), {
      min: 1261,
      max: 65536,
    });
  });

  it("says what to ask for instead", () =>
    assert.equal(
      diskClaimProblem("2Gi", "alicloud-disk-essd"),
      "at least '20Gi', the minimum of a disk of storage class 'alicloud-disk-essd' (cloud_essd): the disk driver refuses a smaller claim and the volume stays Pending",
    ));
});

describe("DiskClass", () => {
  it("declares ESSD PL1 bound where the pod is scheduled, retained when the data is protected", async () => {
    const out = await render(() => new DiskClass("storage", { retain: true }, { provider: testProvider() }));
    const sc = out.object("StorageClass", "ack-platform-essd");
    assert.equal(sc["volumeBindingMode"], "WaitForFirstConsumer");
    assert.deepEqual(sc["parameters"], { type: "cloud_essd", performanceLevel: "PL1", fstype: "ext4" });
    assert.equal(sc["reclaimPolicy"], "Retain");
    assert.equal(sc["provisioner"], "diskplugin.csi.alibabacloud.com");
    await assertValidObjects(manifestsOf(out).map((m) => m.object));
  });

  it("refuses an unknown performance level before declaring anything", async () => {
    await assert.rejects(
      render(() => new DiskClass("storage", { performanceLevel: "PL9" as never }, { provider: testProvider() })),
      /DiskClass performanceLevel: 'PL9' is not one of: PL0, PL1, PL2, PL3/,
    );
  });
});
