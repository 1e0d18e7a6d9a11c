import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
  ServiceImage,
  type ServiceImageArgs,
  serviceImageDefaults,
  validateServiceImageArgs,
} from "../../../components/cloud/serviceImage";
import { render } from "../../harness";

const PUSHED: ServiceImageArgs = {
  context: "services/hello",
  repository: "acme-prod-registry.cn-hangzhou.cr.aliyuncs.com/acme/hello",
  pullRepository: "acme-prod-registry-vpc.cn-hangzhou.cr.aliyuncs.com/acme/hello",
  tag: "1.0.0",
  credentials: pulumi.secret({ username: "cr_temp_user", password: "token" }),
};

function errorOf(args: ServiceImageArgs): string {
  try {
    validateServiceImageArgs(serviceImageDefaults(args));
  } catch (err) {
    return (err as Error).message;
  }
  return "(no error)";
}

describe("ServiceImage", () => {
  it("builds for x86 nodes, pushes with the registry's credentials, and is run by digest from the pull domain", async () => {
    const out = await render(() => {
      const image = new ServiceImage("hello", PUSHED);
      return { ref: image.imageRef, name: image.imageName };
    });
    const image = out.named("hello-image");
    assert.equal(image.type, "docker:index/image:Image");
    assert.equal(image.inputs["imageName"], "acme-prod-registry.cn-hangzhou.cr.aliyuncs.com/acme/hello:1.0.0");
    assert.deepEqual(image.inputs["build"], {
      context: "services/hello",
      dockerfile: "services/hello/Dockerfile",
      platform: "linux/amd64",
    });
    assert.equal(image.inputs["skipPush"], false);
    assert.deepEqual(image.inputs["registry"], {
      server: "acme-prod-registry.cn-hangzhou.cr.aliyuncs.com",
      username: "[secret]",
      password: "[secret]",
    });
    const o = out.outputs as Record<string, string>;
    assert.match(o["ref"]!, /^acme-prod-registry-vpc\.cn-hangzhou\.cr\.aliyuncs\.com\/acme\/hello@sha256:[0-9a-f]{64}$/);
    assert.equal(o["name"], "acme-prod-registry.cn-hangzhou.cr.aliyuncs.com/acme/hello:1.0.0");
  });

  it("gets a new digest when the service's sources or build settings change, and the same one when they do not", async () => {
    const refOf = async (args: ServiceImageArgs) =>
      (await render(() => ({ ref: new ServiceImage("hello", args).imageRef }))).outputs["ref"];
    // A build context inside the project (tmp/ is ignored by git), so that its files can change.
    fs.mkdirSync("tmp", { recursive: true });
    const dir = fs.mkdtempSync(path.join("tmp", "image-context-"));
    try {
      fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\nCOPY app /app\n");
      fs.writeFileSync(path.join(dir, "app"), "v1");
      const args = { ...PUSHED, context: dir.split(path.sep).join("/") };
      const first = await refOf(args);
      assert.equal(await refOf(args), first);
      fs.writeFileSync(path.join(dir, "app"), "v2");
      const second = await refOf(args);
      assert.notEqual(second, first);
      assert.notEqual(await refOf({ ...args, buildArgs: { BASE: "mirror.example.com/library/busybox:1.37" } }), second);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("pushes with Docker's own login when no credentials are given, to the same domain it pulls from", async () => {
    const out = await render(() => ({
      ref: new ServiceImage("hello", { context: "services/hello", repository: "localhost:5001/local/hello", tag: "1.0.0" }).imageRef,
    }));
    assert.equal(out.named("hello-image").inputs["registry"], undefined);
    assert.match(String(out.outputs["ref"]), /^localhost:5001\/local\/hello@sha256:[0-9a-f]{64}$/);
  });

  it("on a laptop: builds into the local daemon without a push, and is run by tag", async () => {
    const out = await render(() => ({
      ref: new ServiceImage("hello", {
        context: "services/hello",
        dockerfile: "Dockerfile",
        repository: "local/hello",
        tag: "1.0.0",
        push: false,
      }).imageRef,
    }));
    const image = out.named("hello-image");
    assert.equal(image.inputs["skipPush"], true);
    assert.equal(image.inputs["registry"], undefined);
    assert.equal(out.outputs["ref"], "local/hello:1.0.0");
  });

  it("refuses bad args before declaring anything, naming the field, the value and what is accepted", async () => {
    const table: Array<[Partial<ServiceImageArgs>, string]> = [
      [
        { context: "/home/me/hello" },
        "ServiceImage context: '/home/me/hello' is not a directory inside the project, such as 'services/hello'",
      ],
      [{ context: "../elsewhere" }, "ServiceImage context: '../elsewhere' is not a directory inside the project, such as 'services/hello'"],
      [{ dockerfile: "../Dockerfile" }, "ServiceImage dockerfile: '../Dockerfile' is not a path inside the context, such as 'Dockerfile'"],
      [
        { tag: "latest" },
        "ServiceImage tag: 'latest' is not accepted: pin a version such as '1.4.2', so every release can be rolled back to",
      ],
      [{ tag: "1.0 beta" }, "ServiceImage tag: '1.0 beta' is not an image tag such as '1.4.2'"],
      [{ platform: "amd64" }, "ServiceImage platform: 'amd64' is not a platform such as 'linux/amd64'"],
      [
        { repository: "Hello" },
        "ServiceImage repository: 'Hello' is not a repository such as 'registry.example.com/acme/hello' or 'local/hello'",
      ],
      [
        { repository: "local/hello" },
        "ServiceImage repository: 'local/hello' names no registry host to push to; give '<host>/<namespace>/<name>', or set push to false",
      ],
    ];
    for (const [change, message] of table) assert.equal(errorOf({ ...PUSHED, ...change }), message);
    await assert.rejects(
      render(() => new ServiceImage("hello", { ...PUSHED, tag: "latest" })),
      /ServiceImage tag: 'latest' is not accepted/,
    );
  });
});
