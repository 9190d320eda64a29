/**
 * pulumi/pulumi sdk/nodejs/cmd/run/run.ts uncaughtHandler (model: test/contracts/models/cmd-run-errors.ts):
 * what the user sees for each error the program throws on bad input. Only a RunError prints as its
 * message; anything else prints its stack and fields. The engine-level test (test/engine/, `npm run
 * test:engine`) checks the same against the real cmd/run.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseStackConfig } from "../../components/config/config";
import { vaultProviderSpec } from "../../components/eso/eso";
import { readStackFile } from "../helpers/stack-file";
import { installMocks } from "../helpers/mocks";
import { shownByCmdRun } from "./models/cmd-run-errors";

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

describe("pulumi/pulumi sdk/nodejs/cmd/run/run.ts uncaughtHandler: the model", () => {
  test("a RunError shows its message alone; a plain Error its stack and fields (the model can tell them apart)", () => {
    const plain = Object.assign(new Error("boom"), { problems: [{ key: "k" }] });
    expect(shownByCmdRun(new pulumi.RunError("boom"))).toBe("boom");
    const shown = shownByCmdRun(plain);
    expect(shown).toMatch(/^Running program 'index.ts' failed with an unhandled exception:\nError: boom\n\s+at /);
    expect(shown).toContain("problems: [");
  });
});

describe("pulumi/pulumi sdk/nodejs/cmd/run/run.ts uncaughtHandler: the program's errors on bad input show only their message", () => {
  test("a bad stack config (ConfigError): every problem, no stack, no dump of `problems`", () => {
    const { config, secretKeys } = readStackFile("dev");
    const err = thrown(() =>
      parseStackConfig({ ...config, "vault-eso:environment": "staging", "vault-eso:vaultToken": "hvs.plain" }, { secretKeys: new Set(secretKeys), readFile: () => "" }),
    );
    expect(err).toBeInstanceOf(ConfigError);
    const shown = shownByCmdRun(err);
    expect(shown).toBe((err as Error).message);
    expect(shown).toMatch(/^Invalid stack configuration: 2 problem\(s\); nothing was deployed\.\n/);
    expect(shown).not.toMatch(/\n\s+at |problems:|hvs\.plain/);
  });

  test("component argument errors (TokenRenewer, TenantNamespace) and builder errors (store mountPath)", async () => {
    installMocks("errors");
    const { TokenRenewer } = await import("../../components/token-renewer/token-renewer.js");
    const { TenantNamespace } = await import("../../components/tenants/tenant-namespace.js");
    const errors = [
      thrown(() => new TokenRenewer("tr", { vaultAddress: "https://vault.example.com:8200", readPolicies: ["r"], schedule: "0 0 1 * *" } as never)),
      thrown(() => new TenantNamespace("t", { name: "team-a", store: { mode: "shared" }, push: { secrets: [] } } as never)),
      thrown(() => vaultProviderSpec({ server: "https://v", mountPath: "secret/data", auth: { kind: "kubernetes", mountPath: "kubernetes", role: "r" } } as never)),
    ];
    for (const err of errors) {
      expect({ shown: shownByCmdRun(err) }).toEqual({ shown: (err as Error).message });
    }
    expect((errors[0] as Error).message).toMatch(/^TokenRenewer tr: schedule: /);
  });
});
