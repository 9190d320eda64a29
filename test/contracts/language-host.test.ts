/**
 * The models the engine-level tests launch the program with (scripts/lib/language-host.ts) and
 * compare runtimes with (scripts/lib/wire.ts), checked on focused inputs, so `npm test` catches a
 * broken model without running the real runtime (`npm run test:engine` does that).
 */
import * as path from "path";
import { languageHostConfig, makeUrn, pwdMain, readProjectFile, splitArgs } from "../../scripts/lib/language-host";
import { compareRegistrations, plainTextOccurrences, secretPaths, SECRET_SIG, SIG_KEY, UNKNOWN, unknownPaths, WireResource } from "../../scripts/lib/wire";

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

describe("pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go constructConfig / parseOptions / execRuntime (shlex.Split of nodeargs)", () => {
  test("config keys gain `config:` after their namespace; values pass unchanged", () => {
    expect(languageHostConfig({ "vault-eso:kv": '{"path":"secret"}', "kubernetes:context": "kind" })).toEqual({
      "vault-eso:config:kv": '{"path":"secret"}',
      "kubernetes:config:context": "kind",
    });
    expect(() => languageHostConfig({ kv: "x" })).toThrow(/no namespace/);
  });

  test("nodeargs split like a shell: quotes group, whitespace separates", () => {
    expect(splitArgs(`--max-old-space-size=4096  --require "./a b.js" --title='x y'`)).toEqual(["--max-old-space-size=4096", "--require", "./a b.js", "--title=x y"]);
    expect(splitArgs(undefined)).toEqual([]);
    expect(() => splitArgs(`--require "unterminated`)).toThrow(/unterminated/);
  });

  test("this project's Pulumi.yaml: the nodejs runtime, typescript on unless it says otherwise, main index.ts", () => {
    const p = readProjectFile(process.cwd());
    expect(p.name).toBe("vault-eso");
    expect(p.main).toBe("index.ts");
    expect(typeof p.options.typescript).toBe("boolean");
  });
});

describe("pulumi/pulumi pkg/engine/project.go getPwdMain and sdk/go/common/resource/urn.go NewURN", () => {
  test("a main file runs from its directory under its base name", () => {
    const root = process.cwd();
    expect(pwdMain(root, "index.ts")).toEqual({ pwd: root, entryPoint: "index.ts" });
    expect(pwdMain(root, "scripts/engine-floor.ts")).toEqual({ pwd: path.join(root, "scripts"), entryPoint: "engine-floor.ts" });
    expect(pwdMain(root, "components")).toEqual({ pwd: path.join(root, "components"), entryPoint: "." });
    expect(pwdMain(root, undefined)).toEqual({ pwd: root, entryPoint: "." });
  });

  test("URNs chain parent types with $, but not the root stack's", () => {
    const stackUrn = makeUrn("dev", "vault-eso", undefined, "pulumi:pulumi:Stack", "vault-eso-dev");
    expect(stackUrn).toBe("urn:pulumi:dev::vault-eso::pulumi:pulumi:Stack::vault-eso-dev");
    const backend = makeUrn("dev", "vault-eso", stackUrn, "vault-eso:index:VaultBackend", "vault");
    expect(backend).toBe("urn:pulumi:dev::vault-eso::vault-eso:index:VaultBackend::vault");
    expect(makeUrn("dev", "vault-eso", backend, "vault:index/mount:Mount", "vault-kv")).toBe(
      "urn:pulumi:dev::vault-eso::vault-eso:index:VaultBackend$vault:index/mount:Mount::vault-kv",
    );
  });
});

describe("sdk/nodejs/runtime/rpc.ts sentinels: the wire comparison finds every difference", () => {
  const r = (over: Partial<WireResource> = {}): WireResource => ({
    urn: "urn:pulumi:dev::vault-eso::vault:index/policy:Policy::p",
    type: "vault:index/policy:Policy",
    name: "p",
    custom: true,
    dependencies: [],
    wire: { name: "p", policy: "path", token: secret("t") },
    options: {},
    ...over,
  });

  test("identical registrations compare equal; a parent that is the root stack counts as none", () => {
    expect(compareRegistrations([r()], [r({ parent: "urn:pulumi:dev::vault-eso::pulumi:pulumi:Stack::vault-eso-dev" })], false)).toEqual([]);
  });

  test("a changed input, a lost secret, a missing resource, another option: each is reported", () => {
    expect(compareRegistrations([r()], [r({ wire: { name: "p", policy: "other", token: secret("t") } })], false)).toEqual([expect.stringMatching(/input policy/)]);
    expect(compareRegistrations([r()], [r({ wire: { name: "p", policy: "path", token: "t" } })], false)).toEqual([expect.stringMatching(/token: secret on one side only/)]);
    expect(compareRegistrations([r()], [], false)).toEqual([expect.stringMatching(/mock engine only/)]);
    expect(compareRegistrations([r()], [r({ options: { protect: true } })], false)).toEqual([expect.stringMatching(/options/)]);
  });

  test("an unknown matches any value only in a preview; a secret unknown only where the value was secret", () => {
    const unknown = r({ wire: { name: "p", policy: UNKNOWN, token: secret(UNKNOWN) } });
    expect(compareRegistrations([r()], [unknown], true)).toEqual([]);
    expect(compareRegistrations([r()], [unknown], false)).toHaveLength(2);
    expect(unknownPaths(unknown.wire)).toEqual(["policy", "token"]);
    expect(secretPaths(unknown.wire)).toEqual(["token"]);
  });

  test("plain-text credentials are found, also base64-encoded, never inside a secret", () => {
    const wire = { a: secret("hvs.x"), b: { c: ["ok", "prefix hvs.x"] }, d: Buffer.from("hvs.x").toString("base64") };
    expect(plainTextOccurrences(wire, ["hvs.x"])).toEqual(["b.c[1]", "d"]);
  });
});
