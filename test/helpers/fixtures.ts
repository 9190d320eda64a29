/** Shared inputs for tests: a minimal valid raw config, and PEMs read from the prod stack file. */
import * as fs from "fs";
import { parse } from "yaml";
import { ConfigError } from "../../components/config/config";

export type RawSections = Record<string, unknown>;

/** The smallest valid dev configuration, as sections (objects), before flattening. */
export function validSections(): RawSections {
  return {
    environment: "dev",
    vault: { address: "http://127.0.0.1:8200" },
    kubernetesAuth: { host: "https://127.0.0.1:6443", caCert: clusterCaPem() },
    store: { namespaces: ["team-a"] },
  };
}

/** Sections -> Pulumi's flat runtime map. */
export function flat(sections: RawSections): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sections)) out[`vault-eso:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}

/** A real, parseable CA certificate (the example in Pulumi.prod.yaml). */
export function examplePem(): string {
  const doc = parse(fs.readFileSync("Pulumi.prod.yaml", "utf8")) as { config: Record<string, any> };
  return doc.config["vault-eso:vault"].caCert as string;
}

/** A parseable CA for the Kubernetes API (test-only; Vault outside the cluster needs one). */
export function clusterCaPem(): string {
  return fs.readFileSync("test/fixtures/cluster-ca.pem", "utf8");
}

/** The config problems `f` throws, one line each (`key = value: message`); none: `[]`. Other errors propagate. */
export function configProblemLines(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.key} = ${p.value}: ${p.message}`);
    throw e;
  }
  return [];
}
