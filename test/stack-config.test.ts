/** The program's config boundary under the mock engine: secrets stay secret, bad config registers nothing. */
import * as pulumi from "@pulumi/pulumi";
import { installMocks, secretInput } from "./helpers/mocks";
import { flat, validSections } from "./helpers/fixtures";
import { loadStackConfig } from "../components/config/stack-config";
import { buildPlatform } from "../components/platform";
import { ConfigError } from "../components/config/config";

const engine = installMocks("dev");

afterEach(() => engine.resources.splice(0));

test("a Vault token set with --secret reaches the provider as a secret", async () => {
  pulumi.runtime.setAllConfig({ ...flat(validSections()), "vault-eso:vaultToken": "hvs.fromsecret" }, ["vault-eso:vaultToken"]);
  const stack = loadStackConfig();
  expect(await pulumi.isSecret(stack.secrets.vaultToken!)).toBe(true);
  buildPlatform(stack);
  await engine.settle();
  const provider = engine.ofType("pulumi:providers:vault")[0].inputs;
  expect(secretInput(provider.token)).toBe("hvs.fromsecret");
});

test("a plain-text token stops the program before anything registers", async () => {
  pulumi.runtime.setAllConfig({ ...flat(validSections()), "vault-eso:vaultToken": "hvs.plain" }, []);
  expect(() => buildPlatform(loadStackConfig())).toThrow(ConfigError);
  await engine.settle();
  expect(engine.resources).toHaveLength(0);
});

test("importing the program with invalid config registers nothing and names the key", async () => {
  const sections = validSections();
  sections.kv = { path: "secret/data" };
  pulumi.runtime.setAllConfig(flat(sections), []);
  await expect(import("../index.js")).rejects.toThrow(/vault-eso:kv\.path = "secret\/data"/);
  await engine.settle();
  expect(engine.resources).toHaveLength(0);
});
