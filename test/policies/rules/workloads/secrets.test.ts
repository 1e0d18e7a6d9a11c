import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { noLiteralSecretsInEnv } from "../../../../policies/rules";
import { check, deployment } from "../../helpers";

/** The first container of a workload's pod template. */
const web = (d: any) => d.spec.template.spec.containers[0];

describe("no-literal-secrets-in-env", () => {
  it("passes plain settings and secrets taken from a Secret", () => {
    const env = [
      { name: "LOG_LEVEL", value: "info" },
      { name: "TOKEN_TTL_SECONDS", value: "3600" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "orders-db", key: "password" } } },
    ];
    assert.deepEqual(
      check(
        noLiteralSecretsInEnv,
        deployment((d) => (web(d).env = env)),
      ),
      [],
    );
  });
  it("names a credential given as a literal value", () => {
    assert.deepEqual(
      check(
        noLiteralSecretsInEnv,
        deployment((d) => (web(d).env = [{ name: "DB_PASSWORD", value: "hunter2" }])),
      ),
      ["container 'web' sets DB_PASSWORD to a literal value; take it from a Secret with valueFrom.secretKeyRef"],
    );
  });
  it("names a URL that carries a password", () => {
    const env = [{ name: "DATABASE_URL", value: "postgres://orders:hunter2@db:5432/orders" }];
    assert.deepEqual(
      check(
        noLiteralSecretsInEnv,
        deployment((d) => (web(d).env = env)),
      ),
      ["container 'web' sets DATABASE_URL to a URL with a password in it; take it from a Secret with valueFrom.secretKeyRef"],
    );
  });
});
