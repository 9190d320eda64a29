/**
 * Config section vault-eso:kubernetesAuth (where Vault runs, the API server's
 * CA and audiences) and the components that carry it: each combination Vault
 * would refuse, or that reviews logins with the wrong identity, is rejected
 * with key, value and fix. The upstream rules behind them are modelled in
 * test/contracts (hashicorp/vault-plugin-auth-kubernetes backend.go
 * updateTLSConfig / loadConfig, token_review.go Review; kubernetes
 * pkg/serviceaccount/jwt.go AuthenticateToken).
 */
import * as fs from "fs";
import { ConfigError, parseStackConfig } from "../components/config/config";
import { configWarnings } from "../components/extras";
import {
  effectiveDisableLocalCaJwt,
  exampleCaWarning,
  kubernetesAuthProblems,
  singleAudienceProblem,
  singleAudienceRoleAudience,
  storeTokenAudiences,
} from "../components/vault-backend/kubernetes-auth";
import { clusterCaPem, flat, RawSections, validSections } from "./helpers/fixtures";
import { installMocks } from "./helpers/mocks";

const KIND = "https://kubernetes.default.svc.cluster.local";
const files: Record<string, string> = { "kind-ca.pem": clusterCaPem(), "key.pem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" };
const read = (p: string): string => {
  if (p in files) return files[p];
  throw Object.assign(new Error("missing"), { code: "ENOENT" });
};
const parse = (s: RawSections) => parseStackConfig(flat(s), { secretKeys: new Set(), readFile: read });
const k8sAuth = (patch: Record<string, unknown>, extra: RawSections = {}): RawSections => {
  const s = validSections();
  const { caCert: _drop, ...rest } = s.kubernetesAuth as Record<string, unknown>;
  return { ...s, kubernetesAuth: { ...rest, ...patch }, ...extra };
};
function problem(s: RawSections, key: string) {
  try {
    parse(s);
  } catch (e) {
    return (e as ConfigError).problems.find((p) => p.key === key);
  }
  return undefined;
}

describe("kubernetesAuth: where Vault runs and the API server's CA (vault-plugin-auth-kubernetes backend.go updateTLSConfig)", () => {
  test("issue 11 failure 1: Vault outside the cluster without a CA is refused, naming the key, the value and how to get kind's CA", () => {
    const p = problem(k8sAuth({}), "vault-eso:kubernetesAuth.caCert");
    expect(p).toBeDefined();
    expect(p!.value).toBe("(unset)");
    expect(p!.message).toMatch(/serviceaccount\/ca\.crt/);
    expect(p!.message).toMatch(/Fix: give kubernetesAuth\.caCertFile/);
    expect(p!.message).toContain("certificate-authority-data");
  });

  test("the CA from a file (relative to the project) reaches Vault; a missing file says how to create it", () => {
    const { config } = parse(k8sAuth({ caCertFile: "kind-ca.pem" }));
    expect(config.kubernetesAuth).toMatchObject({ vaultRunsIn: "external", caCertPem: clusterCaPem(), disableLocalCaJwt: false });
    const missing = problem(k8sAuth({ caCertFile: "nope.pem" }), "vault-eso:kubernetesAuth.caCertFile")!;
    expect(missing.message).toMatch(/ENOENT/);
    expect(missing.message).toMatch(/base64 -d > nope\.pem/);
    expect(problem(k8sAuth({ caCertFile: "key.pem" }), "vault-eso:kubernetesAuth.caCertFile")!.message).toMatch(/holds "[A-Z ]*PRIVATE KEY" PEM block \(#1\)/);
    expect(problem(k8sAuth({ caCertFile: "kind-ca.pem", caCert: clusterCaPem() }), "vault-eso:kubernetesAuth.caCertFile")!.message).toMatch(/not both/);
  });

  test("disableLocalCaJwt: true without a CA is allowed (system roots) and warns that they do not trust a private CA", () => {
    const { config } = parse(k8sAuth({ disableLocalCaJwt: true }));
    expect(config.kubernetesAuth.disableLocalCaJwt).toBe(true);
    expect(configWarnings(config)).toEqual([expect.stringMatching(/system roots.*do not trust a private cluster CA/)]);
  });

  test("Vault in the cluster: no CA needed with a reviewer service account (its pod CA); clientJwt sets disable_local_ca_jwt and then needs a CA", () => {
    expect(parse(k8sAuth({ vaultRunsIn: "cluster", tokenReview: "reviewerServiceAccount" })).config.kubernetesAuth.disableLocalCaJwt).toBe(false);
    expect(parse(k8sAuth({ vaultRunsIn: "cluster", caCertFile: "kind-ca.pem" })).config.kubernetesAuth.disableLocalCaJwt).toBe(true);
    expect(problem(k8sAuth({ vaultRunsIn: "cluster" }), "vault-eso:kubernetesAuth.caCert")!.message).toMatch(/no longer reads its pod's CA/);
  });

  test("issue 11 failure 2 (in a pod): clientJwt with disableLocalCaJwt: false would review with Vault's own pod token: refused", () => {
    const p = problem(k8sAuth({ vaultRunsIn: "cluster", caCertFile: "kind-ca.pem", disableLocalCaJwt: false }), "vault-eso:kubernetesAuth.disableLocalCaJwt")!;
    expect(p.value).toBe("false");
    expect(p.message).toMatch(/own pod token/);
  });

  test("an unknown location is refused with the choices", () => {
    expect(problem(k8sAuth({ vaultRunsIn: "kubernetes", caCertFile: "kind-ca.pem" }), "vault-eso:kubernetesAuth.vaultRunsIn")!.message).toMatch(/"external", "cluster"/);
  });

  test("the repository's example CAs warn (they never verify a real API server)", () => {
    const example = fs.readFileSync("kind-ca.pem", "utf8");
    expect(exampleCaWarning(example, "kubernetesAuth.caCertFile (kind-ca.pem)")).toMatch(/EXAMPLE CA/);
    expect(exampleCaWarning(clusterCaPem(), "x")).toBeUndefined();
  });

  test("the rule table: every location x review mode x CA x disableLocalCaJwt", () => {
    const rows: string[] = [];
    for (const vaultRunsIn of ["external", "cluster"] as const)
      for (const tokenReview of ["clientJwt", "reviewerServiceAccount"] as const)
        for (const hasCaCert of [true, false])
          for (const disableLocalCaJwt of [undefined, false, true]) {
            const a = { vaultRunsIn, tokenReview, hasCaCert, disableLocalCaJwt };
            const fields = kubernetesAuthProblems(a).map((p) => p.field);
            rows.push(`${vaultRunsIn} ${tokenReview} ca=${hasCaCert} dlcj=${disableLocalCaJwt} -> ${effectiveDisableLocalCaJwt(a)} [${fields.join(",")}]`);
          }
    // Refused exactly where Vault reads a pod CA it has not got, where the system roots would be used without being asked for,
    // or where an in-cluster Vault would review clientJwt logins with its own pod token.
    expect(rows.filter((r) => !r.endsWith("[]"))).toEqual([
      "external clientJwt ca=false dlcj=undefined -> false [caCert]",
      "external clientJwt ca=false dlcj=false -> false [caCert]",
      "external reviewerServiceAccount ca=false dlcj=undefined -> false [caCert]",
      "external reviewerServiceAccount ca=false dlcj=false -> false [caCert]",
      "cluster clientJwt ca=true dlcj=false -> false [disableLocalCaJwt]",
      "cluster clientJwt ca=false dlcj=undefined -> true [caCert]",
      "cluster clientJwt ca=false dlcj=false -> false [disableLocalCaJwt]",
    ]);
  });
});

describe("kubernetesAuth.apiAudiences: store tokens in clientJwt mode (kubernetes pkg/serviceaccount/jwt.go AuthenticateToken, ESO auth.go createServiceAccountToken)", () => {
  test("issue 11 failure 2: clientJwt stores request the role's audience AND the API server's; reviewer mode only the role's", () => {
    expect(storeTokenAudiences("clientJwt", "vault")).toEqual(["vault", KIND]);
    expect(storeTokenAudiences("clientJwt", "vault", ["https://oidc.eks.example/id/X"])).toEqual(["vault", "https://oidc.eks.example/id/X"]);
    expect(storeTokenAudiences("clientJwt", KIND)).toEqual([KIND]);
    expect(storeTokenAudiences("reviewerServiceAccount", "vault")).toEqual(["vault"]);
  });

  test("the default is kind's issuer; an empty list is refused", () => {
    expect(parse(validSections()).config.kubernetesAuth.apiAudiences).toEqual([KIND]);
    expect(problem({ ...validSections(), kubernetesAuth: { ...(validSections().kubernetesAuth as object), apiAudiences: [] } }, "vault-eso:kubernetesAuth.apiAudiences")).toBeDefined();
  });

  test("Prometheus' one-audience token: in clientJwt mode its role's audience defaults to the API server's; another one is refused", () => {
    expect(singleAudienceRoleAudience("clientJwt", "vault", [KIND])).toBe(KIND);
    expect(singleAudienceRoleAudience("reviewerServiceAccount", "vault", [KIND])).toBe("vault");
    expect(singleAudienceProblem("clientJwt", "vault", [KIND])).toMatch(/not one of the API server's audiences/);
    const p = problem({ ...validSections(), observability: { vaultMetrics: { enabled: true, audience: "vault" } } }, "vault-eso:observability.vaultMetrics.audience")!;
    expect(p.message).toMatch(/Fix: remove it/);
    expect(parse({ ...validSections(), kubernetesAuth: { ...(validSections().kubernetesAuth as object), tokenReview: "reviewerServiceAccount" }, observability: { vaultMetrics: { enabled: true, audience: "vault" } } }).config).toBeDefined();
  });
});

describe("the components refuse the broken combinations too (a stack that does not use the config contract)", () => {
  installMocks("k8s-auth-components");
  const eso = { namespace: "e", serviceAccountName: "e", role: "r", policy: "p", scope: "s", audience: "vault", tokenTtlSeconds: 60, tokenMaxTtlSeconds: 120 };

  test("VaultBackend: Vault outside the cluster (the default) without kubernetesCaCert; storeAudiences follow the review mode", async () => {
    const { VaultBackend } = await import("../components/vault-backend/vault-backend.js");
    expect(() => new VaultBackend("no-ca", { kubernetesHost: "https://k:6443", tokenReview: { mode: "clientJwt" }, eso })).toThrow(/kubernetesCaCert: Vault runs outside the cluster/);
    expect(() => new VaultBackend("pod-token", { kubernetesHost: "https://k:6443", vaultRunsIn: "cluster", kubernetesCaCert: clusterCaPem(), disableLocalCaJwt: false, tokenReview: { mode: "clientJwt" }, eso })).toThrow(/own pod token/);
    const b = new VaultBackend("ok", { kubernetesHost: "https://k:6443", kubernetesCaCert: clusterCaPem(), tokenReview: { mode: "clientJwt" }, eso });
    expect(await new Promise((r) => b.storeAudiences.apply(r))).toEqual(["vault", KIND]);
    expect(b.tokenReviewMode).toBe("clientJwt");
  });

  test("TenantNamespace: clientJwt without auth-delegator is refused (its token is the TokenReview bearer)", async () => {
    const { TenantNamespace } = await import("../components/tenants/tenant-namespace.js");
    const base = { name: "team-z", subtree: "acme/team-z", kvPath: "secret", authPath: "kubernetes", audience: "vault", vaultServer: "https://v", policy: { mode: "perTenant" as const }, tokenTtlSeconds: 60, tokenMaxTtlSeconds: 60, store: { mode: "isolated" as const } };
    expect(() => new TenantNamespace("bad-delegator", { ...base, tokenReview: "clientJwt", authDelegator: false })).toThrow(/system:auth-delegator/);
    // A RunError (cmd/run prints its message alone), thrown before the component registers.
    const { InputError } = await import("../components/config/errors.js");
    expect(() => new TenantNamespace("bad-delegator-2", { ...base, tokenReview: "clientJwt", authDelegator: false })).toThrow(InputError);
  });

  test("Observability: a Prometheus role audience the API server does not accept, in clientJwt mode", async () => {
    const { Observability } = await import("../components/observability/observability.js");
    const m = { authPath: "kubernetes", policy: "p", role: "prometheus", namespace: "monitoring", serviceAccountName: "prometheus-k8s", audience: "vault", tokenTtlSeconds: 900, tokenReview: "clientJwt" as const };
    expect(() => new Observability("bad-aud", { vaultMetrics: m })).toThrow(/not one of the API server's audiences/);
    const { InputError } = await import("../components/config/errors.js");
    expect(() => new Observability("bad-aud-2", { vaultMetrics: m })).toThrow(InputError);
  });
});
