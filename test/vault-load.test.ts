/**
 * The Vault load budget (policies/vault/load.ts, the pack's vault-load-budget rule, render's
 * summary line). ESO 2.9.0 semantics (external-secrets v2.9.0 providers/v1/vault/provider.go
 * getVaultClient, auth.go setAuth/checkToken, client.go Close, validate.go Validate;
 * cmd/controller/root.go --store-requeue-interval 5m): with the token cache a store logs in once
 * per (token TTL - 60 s) at most and looks its token up on every use; without it every use logs in.
 */
import { estimateVaultLoad, goDurationSeconds, LoadResource } from "../policies/vault/load";
import { readStackFile } from "../scripts/lib/stack-file";
import { renderCaptured } from "../scripts/lib/render-files";
import { loadStack } from "../components/config/stack-config";
import { buildPlatform } from "../components/platform";
import { startRecording } from "../scripts/lib/capture";
import * as pulumi from "@pulumi/pulumi";
import { runGuard, unwrapSecrets, violationsOf } from "./helpers/guard";
import type { GuardResource } from "../policies/guard/rule";

const store = (name: string, ns: string, role: string): LoadResource => ({
  type: "kubernetes:external-secrets.io/v1:SecretStore",
  props: { kind: "SecretStore", metadata: { name, namespace: ns }, spec: { provider: { vault: { auth: { kubernetes: { mountPath: "kubernetes", role } } } } } },
});
const role = (roleName: string, tokenTtl: number): LoadResource => ({ type: "vault:kubernetes/authBackendRole:AuthBackendRole", props: { backend: "kubernetes", roleName, tokenTtl } });
const es = (ns: string, refreshInterval?: string): LoadResource => ({
  type: "kubernetes:external-secrets.io/v1:ExternalSecret",
  props: { kind: "ExternalSecret", metadata: { name: "x", namespace: ns }, spec: { secretStoreRef: { kind: "SecretStore", name: "vault" }, ...(refreshInterval ? { refreshInterval } : {}) } },
});
const esoRelease = (cache: boolean): LoadResource => ({ type: "kubernetes:helm.sh/v3:Release", props: { chart: "external-secrets", values: { vault: { enableTokenCache: cache } } } });

describe("the estimate", () => {
  test("Go durations as ESO parses refreshInterval", () => {
    expect([goDurationSeconds("1h"), goDurationSeconds("1h30m"), goDurationSeconds("90s"), goDurationSeconds("1.5h"), goDurationSeconds("500ms"), goDurationSeconds("0")]).toEqual([3600, 5400, 90, 5400, 0.5, 0]);
    expect(goDurationSeconds("1d")).toBeUndefined();
  });

  test("with the token cache: uses = refreshes + a validation every 5 minutes; logins capped at one per (TTL - 60 s); a lookup per use plus one per login", () => {
    const e = estimateVaultLoad([esoRelease(true), role("t", 900), store("vault", "a", "t"), ...Array.from({ length: 60 }, () => es("a", "1m"))]);
    expect(e.tokenCache).toBe(true);
    // 60 ExternalSecrets each once a minute (3600/h) + 12 validations; logins 3600/840.
    expect(e.stores).toEqual([{ store: "SecretStore a/vault", usesPerHour: 3612, tokenTtl: 900, loginsPerHour: 4.3, lookupsPerHour: 3616.3 }]);
  });

  test("without the token cache every use logs in (and the Close looks the token up before revoking it)", () => {
    const e = estimateVaultLoad([esoRelease(false), role("t", 900), store("vault", "a", "t"), es("a"), es("a", "10m"), es("a", "0")]);
    // 12 validations + 1 (default 1h) + 6 (10m) + 0 ("0": only on change).
    expect(e.stores[0]).toMatchObject({ usesPerHour: 19, loginsPerHour: 19, lookupsPerHour: 31 });
  });

  test("a long token TTL: under one login an hour; a TTL at the 60 s margin: one login per use", () => {
    const e = estimateVaultLoad([esoRelease(true), role("t", 7200), store("vault", "a", "t")]);
    expect(e.stores[0]).toMatchObject({ usesPerHour: 12, loginsPerHour: 0.5 });
    const short = estimateVaultLoad([esoRelease(true), role("t", 61), store("vault", "a", "t")]);
    expect(short.stores[0]).toMatchObject({ usesPerHour: 12, loginsPerHour: 12 });
  });
});

describe("the shipped stacks: render's summary and the pack", () => {
  let prod: GuardResource[];
  let summary: string;
  beforeAll(async () => {
    const { config, secretKeys } = readStackFile("prod");
    const recorder = startRecording("vault-eso", "prod");
    pulumi.runtime.setAllConfig(config, secretKeys);
    const loaded = loadStack();
    if (loaded.kind !== "platform") throw new Error("prod is a platform stack");
    buildPlatform(loaded, loaded.stack);
    await recorder.settle();
    summary = (await renderCaptured(recorder.captured, "prod")).summary;
    prod = recorder.captured.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: unwrapSecrets(r.inputs), protect: !!r.options.protect }));
  }, 120_000);

  test("render's summary shows prod's expected logins and lookups per hour (4 stores, 600 s tokens, token cache on) and the ceiling", () => {
    expect(summary).toMatch(/^vault load: ~26\.8 logins\/h, ~80\.8 token lookups\/h \(4 stores, ESO token cache on\); pack ceiling 1200 logins\/h, 20000 lookups\/h \(vault-load-budget\)$/m);
  });

  test("the pack passes prod under the default ceiling and refuses it over a configured one", async () => {
    expect(violationsOf(await runGuard(prod)).filter((v) => v.startsWith("vault-load-budget"))).toEqual([]);
    const over = violationsOf(await runGuard(prod, { "vault-load-budget": { maxLoginsPerHour: 20 } })).filter((v) => v.startsWith("vault-load-budget"));
    expect(over).toEqual([expect.stringMatching(/^vault-load-budget: vault load: ~26\.8 logins\/h.*over the ceiling of 20 logins\/h \(most: /)]);
    const lookups = violationsOf(await runGuard(prod, { "vault-load-budget": { maxLookupsPerHour: 50 } })).filter((v) => v.startsWith("vault-load-budget"));
    expect(lookups).toEqual([expect.stringMatching(/over the ceiling of 50 token lookups\/h$/)]);
  });

  test("turning the token cache off multiplies logins: the same stack is over the default ceiling once tenants refresh every minute", async () => {
    const noCache = prod.map((r) => (r.type === "kubernetes:helm.sh/v3:Release" && r.props.chart === "external-secrets" ? { ...r, props: { ...r.props, values: { ...r.props.values, vault: { enableTokenCache: false } } } } : r));
    const busy = noCache.map((r) => (r.props.kind === "ExternalSecret" ? { ...r, props: { ...r.props, spec: { ...r.props.spec, refreshInterval: "5s" } } } : r));
    expect(violationsOf(await runGuard(busy)).filter((v) => v.startsWith("vault-load-budget"))).toEqual([expect.stringContaining("over the ceiling of 1200 logins/h")]);
  });
});
