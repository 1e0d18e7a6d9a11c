import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import YAML from "yaml";
import { goYamlResolve, isTextToEveryReader, plainScalarProblem } from "../../../stacks/config/yamlScalars";

describe("isTextToEveryReader", () => {
  for (const word of ["yes", "Yes", "YES", "no", "On", "off", "OFF", "y", "Y", "n", "N"]) {
    it(`leaves '${word}' to the readers (YAML 1.1 reads it as a boolean, the CLI as text)`, () => {
      assert.equal(isTextToEveryReader(word), false);
      assert.match(plainScalarProblem(word) ?? "", /by YAML 1\.1 readers.*quote it/);
    });
  }
  for (const word of ["true", "False", "null", "NULL"]) {
    it(`leaves '${word}' to the readers (every reader reads it as a boolean or null)`, () =>
      assert.equal(isTextToEveryReader(word), false));
  }
  for (const text of ["1.10", "100m", "010", "12:30", ".5", "-1", "2024-01-01", "a b", "a:b", "#x", "~", "", "e8", "E-5"]) {
    it(`leaves '${text}' to the readers (not a letter and letters, digits and ._/- only)`, () =>
      assert.equal(isTextToEveryReader(text), false));
  }
  for (const text of ["apps", "svc-042", "Inf", "NaN", "e1x", "cloud_essd", "registry.example.com/acme/orders", "x.y-z_1"]) {
    it(`takes '${text}' as text without asking a parser`, () => assert.equal(isTextToEveryReader(text), true));
  }

  it("says so only of text that YAML 1.1, YAML 1.2 and go-yaml v3 all read as itself", () => {
    const char = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-".split(""));
    const letter = fc.constantFrom(..."aeinotuxyYNOTFbfE".split(""));
    const text = fc.tuple(letter, fc.array(char, { maxLength: 6 })).map(([first, rest]) => first + rest.join(""));
    fc.assert(
      fc.property(fc.oneof(text, fc.constantFrom("yes", "No", "oN", "Off", "nULL", "True", "Y", "e1", "Inf")), (t) => {
        if (!isTextToEveryReader(t)) return true;
        return (
          YAML.parse(t, { version: "1.1" }) === t &&
          YAML.parse(t, { version: "1.2" }) === t &&
          goYamlResolve(t).kind === "string" &&
          plainScalarProblem(t) === undefined
        );
      }),
      { numRuns: 3000 },
    );
  });
});
