/**
 * A plausible TLS provider: keys and certificates are PEM blocks derived from the resource, stable
 * from one plan to the next, so plans can be diffed; they are not usable keys.
 */
import { createHash } from "node:crypto";
import type { ProviderEmulator } from "./types";
import { stableId } from "./types";

/** A PEM block of `label` whose body is stable per seed. */
function pem(label: string, ...seed: string[]): string {
  let body = "";
  for (let i = 0; body.length < 320; i++)
    body += createHash("sha256")
      .update([...seed, String(i)].join("\u0000"))
      .digest("base64");
  const lines = body.slice(0, 320).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export const tlsEmulator: ProviderEmulator = {
  prefix: "tls:",
  resource(req) {
    switch (req.type) {
      case "tls:index/privateKey:PrivateKey":
        return {
          id: stableId("", req.type, req.name),
          state: {
            ...req.inputs,
            privateKeyPem: pem("PRIVATE KEY", req.name, "key"),
            privateKeyPemPkcs8: pem("PRIVATE KEY", req.name, "pkcs8"),
            publicKeyPem: pem("PUBLIC KEY", req.name, "public"),
          },
        };
      case "tls:index/selfSignedCert:SelfSignedCert":
      case "tls:index/locallySignedCert:LocallySignedCert":
        return {
          id: stableId("", req.type, req.name),
          state: { ...req.inputs, certPem: pem("CERTIFICATE", req.name, "cert"), readyForRenewal: false },
        };
      default:
        return undefined;
    }
  },
  invokes: {},
};
