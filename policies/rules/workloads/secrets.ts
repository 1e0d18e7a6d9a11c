/** The rule that keeps credentials out of pod specs. */
import { describeContainer } from "../../lib/kubernetes";
import { asArray } from "../../lib/policy";
import { containerRule } from "../../lib/workloadRule";

/** Variable names that hold credentials. */
export const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|SECRET_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;
/** A URL that carries a password: scheme://user:password@host. */
export const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;

export const noLiteralSecretsInEnv = containerRule(
  {
    name: "no-literal-secrets-in-env",
    description: "A credential written into a pod spec is stored in clear in the cluster, the plan and every copy of the manifest.",
    severity: "critical",
  },
  (c, report) => {
    for (const env of asArray(c.spec["env"])) {
      const name = String(env?.["name"]);
      const value = env?.["value"];
      if (typeof value !== "string" || value === "") continue;
      const fix = "take it from a Secret with valueFrom.secretKeyRef";
      if (SECRET_NAME.test(name)) report(`${describeContainer(c)} sets ${name} to a literal value; ${fix}`);
      else if (URL_WITH_PASSWORD.test(value)) report(`${describeContainer(c)} sets ${name} to a URL with a password in it; ${fix}`);
    }
  },
);
