import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveSharedVolume, SharedVolume, type SharedVolumeArgs, sharedVolumeProblems } from "../../../components/workload/sharedVolume";
import { formatProblemPath } from "../../../components/workload/validate";
import { render, testProvider } from "../../harness";
import { assertValidObjects } from "../../kubernetesSchemas";

const COURSEWARE: SharedVolumeArgs = {
  namespace: "apps",
  claimName: "courseware",
  server: "0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com",
  path: "/courseware",
};

describe("SharedVolume", () => {
  it("is a NAS volume bound to one claim, kept when the claim goes", async () => {
    const out = await render(() => new SharedVolume("volume-courseware", COURSEWARE, { provider: testProvider() }));
    await assertValidObjects(out.objects());
    const pv = out.object("PersistentVolume", "apps-courseware");
    assert.deepEqual(pv["spec"], {
      capacity: { storage: "100Gi" },
      accessModes: ["ReadWriteMany"],
      persistentVolumeReclaimPolicy: "Retain",
      mountOptions: ["nolock,tcp,noresvport", "vers=3"],
      csi: {
        driver: "nasplugin.csi.alibabacloud.com",
        volumeHandle: "apps-courseware",
        readOnly: false,
        volumeAttributes: { server: "0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com", path: "/courseware" },
      },
      claimRef: { namespace: "apps", name: "courseware" },
    });
    const pvc = out.object("PersistentVolumeClaim", "courseware");
    assert.deepEqual(pvc["spec"], {
      accessModes: ["ReadWriteMany"],
      storageClassName: "",
      volumeName: "apps-courseware",
      resources: { requests: { storage: "100Gi" } },
    });
    assert.ok(
      out.named("volume-courseware-claim").dependsOn.includes(out.named("volume-courseware-volume").urn),
      "the claim after its volume",
    );
    assert.equal(out.named("volume-courseware-volume").protect, false);
  });

  it("is read-only for everyone, on NFS 4.0, and protected when asked", async () => {
    const out = await render(
      () =>
        new SharedVolume(
          "volume-courseware",
          { ...COURSEWARE, readOnly: true, nfsVersion: "4.0", protect: true },
          { provider: testProvider() },
        ),
    );
    const pv = out.object("PersistentVolume", "apps-courseware");
    assert.deepEqual(pv["spec"].accessModes, ["ReadOnlyMany"]);
    assert.deepEqual(pv["spec"].mountOptions, ["noresvport", "vers=4.0"]);
    assert.equal(out.named("volume-courseware-volume").protect, true);
    assert.equal(out.named("volume-courseware-claim").protect, true);
  });

  it("refuses a server with a path in it, a relative path and a size that is not one", () => {
    const problems = sharedVolumeProblems(
      resolveSharedVolume({
        ...COURSEWARE,
        server: "0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com:/courseware",
        path: "courseware",
        size: "100GB",
      }),
    ).map((p) => `${formatProblemPath(p.path)}: ${p.message}`);
    assert.deepEqual(problems, [
      "server: '0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com:/courseware' has a path in it; give the mount target's domain as server and the directory as path (the NAS driver refuses 'server:/dir')",
      "path: 'courseware' is not an absolute directory such as '/courseware'",
      "size: '100GB' is not a size such as '100Gi'",
    ]);
  });
});
