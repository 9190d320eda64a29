/**
 * The "Use the components in your own stack" example (docs/components.md, linked from the README) is real code:
 * the block equals examples/typescript/index.ts (the consumer project `npm run package:check` installs the
 * packed package into), tsc type-checks that file (`vault-eso` mapped to components/ in tsconfig.json and
 * jest.config.js), and here it runs under the mock engine.
 */
import * as fs from "fs";
import { installMocks } from "./helpers/mocks";
import { k8sObjects, vaultPolicies } from "./helpers/program";
import { parsePolicyHcl, validateK8sObject } from "./helpers/schemas";

const engine = installMocks("own-stack");

test("the docs/components.md block is examples/typescript/index.ts, word for word", () => {
  const doc = fs.readFileSync("docs/components.md", "utf8");
  const at = doc.indexOf("## Use the components in your own stack");
  expect(at).toBeGreaterThanOrEqual(0);
  const section = doc.slice(at);
  const block = /```ts\n([\s\S]*?)```/.exec(section)![1];
  expect(block).toBe(fs.readFileSync("examples/typescript/index.ts", "utf8"));
});

test("the example registers the main path and a tenant, all valid", async () => {
  await import("../examples/typescript/index.js");
  await engine.settle();
  const types = new Set(engine.resources.map((r) => r.type));
  for (const t of ["vault:index/mount:Mount", "kubernetes:helm.sh/v3:Release", "kubernetes:external-secrets.io/v1:ClusterSecretStore", "kubernetes:external-secrets.io/v1:SecretStore", "kubernetes:external-secrets.io/v1:ExternalSecret"]) {
    expect(types).toContain(t);
  }
  for (const o of k8sObjects(engine.resources)) await validateK8sObject(o);
  for (const p of vaultPolicies(engine.resources)) await parsePolicyHcl(p.name, p.policy);
});
