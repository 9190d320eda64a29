/**
 * Contract tests: Kubernetes auth between Vault, the API server and ESO.
 * Each rule is modelled from upstream source (test/contracts/models/*, which
 * cite repository, file and function) and applied to focused inputs and to
 * what the program really registers for the shipped stacks. Details:
 * docs/contracts-kubernetes-auth.md.
 */
import * as fs from "fs";
import { parse } from "yaml";
import { flattenConfig, readStackFile } from "../helpers/stack-file";
import { authenticateToken, ClusterWorld, saKey, SaToken, tokenRequest, tokenReview } from "./models/kube-apiserver";
import { AuthConfigWrite, configWriteError, goGlob, hasPemBlock, login, reviewerFor, RoleWrite, roleWrite, World } from "./models/vault-kubernetes-auth";
import { isReferent, LOOKUP_SELF, loginCall, loginTokenPolicies, lookupSelfError, requestedAudiences, storeValidationError, StoreUnderTest, tokenRequestFor } from "./models/eso-vault-login";
import { parsePolicyHcl } from "../../policies/vault/hcl";
import type { VaultPolicy } from "../../policies/vault/model";
import { NamedStore, programView, ProgramView, registered } from "./program-view";

/** kind's (and kubeadm's default) `--service-account-issuer`, hence its API audience. */
const KIND_AUD = "https://kubernetes.default.svc.cluster.local";
const PEM = (fs.readFileSync("Pulumi.prod.yaml", "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/) ?? [""])[0];

function cluster(sas: Iterable<string>, reviewers: Iterable<string>, apiAudiences = [KIND_AUD]): ClusterWorld {
  return { apiAudiences, issuer: apiAudiences[0], serviceAccounts: new Set(sas), tokenReviewers: new Set(reviewers) };
}
const sa = (namespace: string, name: string) => ({ namespace, name });
const tok = (namespace: string, name: string, aud: string[]): SaToken => ({ sa: sa(namespace, name), aud, iss: KIND_AUD, projected: true });

/** dev: `vault server -dev` on the workstation (no pod), kind's API server (private CA). */
const OUTSIDE = { inPod: false, apiCertInSystemRoots: false } as const;
const IN_POD = { inPod: true, podServiceAccount: sa("vault", "vault"), apiCertInSystemRoots: false } as const;

// ------------------------------------------------------------------ focused inputs

describe("hashicorp/vault-plugin-auth-kubernetes path_config.go pathConfigWrite + backend.go updateTLSConfig", () => {
  const world: World = { vault: OUTSIDE, cluster: cluster([], []) };
  test("no kubernetes_host: refused", () => {
    expect(configWriteError({ kubernetesCaCert: PEM }, world)).toBe("no host provided");
  });
  test("a CA with no PEM block: refused; any decodable PEM block passes the write (hasCerts)", () => {
    expect(configWriteError({ kubernetesHost: "https://k:6443", kubernetesCaCert: "hello" }, world)).toMatch(/no valid certificates/);
    expect(hasPemBlock(PEM)).toBe(true);
    expect(hasPemBlock("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n")).toBe(false);
  });
  test("no CA, disable_local_ca_jwt false, Vault outside a pod: refused (it reads the pod's ca.crt)", () => {
    expect(configWriteError({ kubernetesHost: "https://127.0.0.1:6443" }, world)).toMatch(/serviceaccount\/ca\.crt: no such file/);
  });
  test("no CA in a pod: the pod's CA; with disable_local_ca_jwt: the system roots (accepted either way)", () => {
    expect(configWriteError({ kubernetesHost: "https://k:6443" }, { ...world, vault: IN_POD })).toBeUndefined();
    expect(configWriteError({ kubernetesHost: "https://k:6443", disableLocalCaJwt: true }, world)).toBeUndefined();
  });
  test("system roots do not trust a private cluster CA: the write passes, every login fails (backend.go updateTLSConfig -> x509.SystemCertPool)", () => {
    const w: World = { vault: OUTSIDE, cluster: cluster(["ns/app"], ["ns/app"]) };
    const r = login({ kubernetesHost: "https://k:6443", disableLocalCaJwt: true }, { roleName: "r", boundServiceAccountNames: ["app"], boundServiceAccountNamespaces: ["ns"] }, tok("ns", "app", [KIND_AUD]), w);
    expect(r.error).toMatch(/x509/);
  });
});

describe("vault-plugin-auth-kubernetes backend.go loadConfig + token_review.go Review: who is the TokenReview bearer", () => {
  const w = (vault: World["vault"]): World => ({ vault, cluster: cluster([], []) });
  const base: AuthConfigWrite = { kubernetesHost: "https://k:6443", kubernetesCaCert: PEM };
  test("a configured token_reviewer_jwt always", () => {
    expect(reviewerFor({ ...base, tokenReviewer: tok("vault-auth", "reviewer", []) }, w(IN_POD)).kind).toBe("configured");
  });
  test("none configured, in a pod, disable_local_ca_jwt false: Vault's own pod token (not the client's)", () => {
    expect(reviewerFor(base, w(IN_POD)).kind).toBe("vaultPod");
  });
  test("none configured and outside a pod, or disable_local_ca_jwt true: the client's own JWT", () => {
    expect(reviewerFor(base, w(OUTSIDE)).kind).toBe("client");
    expect(reviewerFor({ ...base, disableLocalCaJwt: true }, w(IN_POD)).kind).toBe("client");
  });
});

describe("vault-plugin-auth-kubernetes path_role.go pathRoleCreateUpdate + vault sdk tokenutil.go ParseTokenFields", () => {
  const ok = { roleName: "r", boundServiceAccountNames: ["a"], boundServiceAccountNamespaces: ["n"], audience: "vault" };
  test.each<[string, object, RegExp]>([
    ["no bound names", { boundServiceAccountNames: [] }, /bound_service_account_names" can not be empty/],
    ["* mixed with names", { boundServiceAccountNames: ["*", "a"] }, /can not mix/],
    ["no namespaces and no selector", { boundServiceAccountNamespaces: [] }, /can not be empty if/],
    ["* mixed with namespaces", { boundServiceAccountNamespaces: ["*", "n"] }, /can not mix/],
    ["unknown alias_name_source", { aliasNameSource: "serviceaccount_namespace" }, /invalid alias_name_source/],
    ["unknown token_type", { tokenType: "default-service" }, /invalid 'token_type'/],
    ["batch and periodic", { tokenType: "batch", tokenPeriod: 60 }, /cannot be 'batch'/],
    ["ttl above max ttl", { tokenTtl: 7200, tokenMaxTtl: 3600 }, /cannot be greater than 'token_max_ttl'/],
    ["negative ttl", { tokenTtl: -1 }, /cannot be negative/],
    ["period above the mount's max lease TTL", { tokenPeriod: 800 * 3600 }, /maximum lease TTL/],
  ])("refused: %s", (_d, patch, msg) => {
    expect(roleWrite({ ...ok, ...patch }).error).toMatch(msg);
  });
  test("accepted with warnings: no audience; max TTL above the mount's (truncated)", () => {
    expect(roleWrite({ ...ok, audience: "" })).toEqual({ warnings: [expect.stringMatching(/does not have an audience/)] });
    expect(roleWrite({ ...ok, tokenMaxTtl: 800 * 3600 }).warnings).toEqual([expect.stringMatching(/truncated/)]);
    expect(roleWrite(ok)).toEqual({ warnings: [] });
  });
});

describe("kubernetes/kubernetes TokenRequest (serviceaccount storage/token.go, authentication validation.go ValidateTokenRequest)", () => {
  const c = cluster(["ns/app"], []);
  test("empty audiences default to the API server's; ESO's 600 s is the minimum accepted", () => {
    expect(tokenRequest({ namespace: "ns", name: "app", audiences: [], expirationSeconds: 600 }, c).token!.aud).toEqual([KIND_AUD]);
    expect(tokenRequest({ namespace: "ns", name: "app", audiences: ["vault"], expirationSeconds: 599 }, c).error).toMatch(/less than 10 minutes/);
  });
});

describe("kubernetes/kubernetes pkg/serviceaccount/jwt.go AuthenticateToken + pkg/registry/authentication/tokenreview/storage.go Create", () => {
  const c = cluster(["ns/app", "auth/rev"], ["ns/app", "auth/rev"]);
  test("a bearer authenticates only for the API server's audiences", () => {
    expect(authenticateToken(tok("ns", "app", ["vault"]), c).error).toMatch(/is invalid for the target audiences/);
    expect(authenticateToken(tok("ns", "app", ["vault", KIND_AUD]), c).user!.audiences).toEqual([KIND_AUD]);
  });
  test("a reviewed token is checked against spec.audiences (not the API server's); status.audiences is the intersection", () => {
    const r = tokenReview({ token: tok("ns", "app", ["vault"]), audiences: ["vault"] }, tok("auth", "rev", [KIND_AUD]), c);
    expect(r.status).toMatchObject({ authenticated: true, audiences: ["vault"] });
    expect(tokenReview({ token: tok("ns", "app", [KIND_AUD]), audiences: ["vault"] }, tok("auth", "rev", [KIND_AUD]), c).status!.authenticated).toBe(false);
  });
  test("a bearer without system:auth-delegator may not create TokenReviews (403)", () => {
    const c2 = cluster(["ns/app"], []);
    expect(tokenReview({ token: tok("ns", "app", [KIND_AUD]), audiences: [] }, tok("ns", "app", [KIND_AUD]), c2).code).toBe(403);
  });
});

describe("vault-plugin-auth-kubernetes path_login.go pathLogin (client-JWT review, Vault outside the cluster)", () => {
  const world: World = { vault: OUTSIDE, cluster: cluster(["team-a/vault-secrets", "team-b/vault-secrets"], ["team-a/vault-secrets", "team-b/vault-secrets"]) };
  const config: AuthConfigWrite = { kubernetesHost: "https://127.0.0.1:6443", kubernetesCaCert: PEM };
  const role = { roleName: "tenant-team-a", boundServiceAccountNames: ["vault-secrets"], boundServiceAccountNamespaces: ["team-a"], audience: "vault", aliasNameSource: "serviceaccount_uid" };
  test("a token for the role's audience only: the role check passes, the TokenReview bearer is refused (401)", () => {
    expect(login(config, role, tok("team-a", "vault-secrets", ["vault"]), world).error).toMatch(/service account unauthorized/);
  });
  test("a token for the API server only: the role's audience check refuses it", () => {
    expect(login(config, role, tok("team-a", "vault-secrets", [KIND_AUD]), world).error).toMatch(/invalid audience/);
  });
  test("both audiences: accepted, reviewed with the client's JWT, alias = service account UID", () => {
    expect(login(config, role, tok("team-a", "vault-secrets", ["vault", KIND_AUD]), world)).toEqual({ aliasName: "uid-team-a-vault-secrets", reviewer: "client" });
  });
  test("namespace and name bindings; alias_name_source serviceaccount_name gives namespace/name", () => {
    expect(login(config, role, tok("team-b", "vault-secrets", ["vault", KIND_AUD]), world).error).toBe("namespace not authorized");
    expect(login(config, { ...role, boundServiceAccountNames: ["other"] }, tok("team-a", "vault-secrets", ["vault", KIND_AUD]), world).error).toBe("service account name not authorized");
    expect(login(config, { ...role, aliasNameSource: "serviceaccount_name" }, tok("team-a", "vault-secrets", ["vault", KIND_AUD]), world).aliasName).toBe("team-a/vault-secrets");
  });
  test("bindings match with go-glob (strutil.StrListContainsGlob -> ryanuber/go-glob Glob): `*` anywhere in a name or namespace, not only at its ends", () => {
    const w: World = { vault: OUTSIDE, cluster: cluster(["team-a/vault-x-secrets", "team-b/vault-secrets"], ["team-a/vault-x-secrets", "team-b/vault-secrets"]) };
    const t = tok("team-a", "vault-x-secrets", ["vault", KIND_AUD]);
    expect(login(config, { ...role, boundServiceAccountNames: ["vault-*-secrets"] }, t, w).error).toBeUndefined();
    expect(login(config, { ...role, boundServiceAccountNames: ["vault-*-secrets"], boundServiceAccountNamespaces: ["t*-a"] }, t, w).error).toBeUndefined();
    expect(login(config, { ...role, boundServiceAccountNames: ["vault-*-secrets"] }, tok("team-b", "vault-secrets", ["vault", KIND_AUD]), w).error).toBe("service account name not authorized");
    expect([goGlob("a*b*c", "aXbYc"), goGlob("a*b*c", "aXcYb"), goGlob("*-x", "team-x"), goGlob("team*", "team"), goGlob("x", "xx")]).toEqual([true, false, true, true, false]);
  });
});

describe("external-secrets v2.9.0 providers/v1/vault/auth.go checkToken: lookup-self after every login (validate.go client.Validate)", () => {
  test("a Kubernetes auth role keeps Vault's default policy, so its token may look itself up; with token_no_default_policy it may not", () => {
    expect(loginTokenPolicies({ tokenPolicies: ["tenant-team-a"] })).toEqual(["tenant-team-a", "default"]);
    expect(lookupSelfError(loginTokenPolicies({ tokenPolicies: ["tenant-team-a"] }), new Map())).toBeUndefined();
    expect(lookupSelfError(loginTokenPolicies({ tokenPolicies: ["tenant-team-a"], tokenNoDefaultPolicy: true }), new Map())).toMatch(/lookup-self Code: 403/);
    const own: VaultPolicy = { name: "own", rules: [{ path: LOOKUP_SELF, capabilities: ["read"] }] };
    expect(lookupSelfError(["own"], new Map([["own", own]]))).toBeUndefined();
  });
});

describe("external-secrets v2.9.0 providers/v1/vault validate.go ValidateStore + auth.go createServiceAccountToken + auth_kubernetes.go", () => {
  const store: StoreUnderTest = { kind: "SecretStore", namespace: "team-a", kubernetes: { mountPath: "k8s", role: "r", serviceAccountRef: { name: "sa", audiences: ["vault"] } } };
  test("a SecretStore may not name another namespace's service account", () => {
    expect(storeValidationError({ ...store, kubernetes: { ...store.kubernetes, serviceAccountRef: { name: "sa", namespace: "team-b" } } })).toMatch(/namespace should either be empty or match/);
    expect(storeValidationError(store)).toBeUndefined();
  });
  test("a ClusterSecretStore without serviceAccountRef.namespace is referent: its Ready proves no login", () => {
    expect(isReferent({ kind: "ClusterSecretStore", kubernetes: { role: "r", serviceAccountRef: { name: "sa" } } })).toBe(true);
    expect(isReferent({ kind: "ClusterSecretStore", kubernetes: { role: "r", serviceAccountRef: { name: "sa", namespace: "eso" } } })).toBe(false);
  });
  test("the TokenRequest carries exactly serviceAccountRef.audiences, 600 s, in the store's namespace; login at auth/<mountPath>/login", () => {
    expect(requestedAudiences(store)).toEqual(["vault"]);
    expect(tokenRequestFor(store)).toEqual({ namespace: "team-a", name: "sa", audiences: ["vault"], expirationSeconds: 600 });
    expect(loginCall(store)).toEqual({ path: "auth/k8s/login", role: "r" });
    expect(loginCall({ ...store, kubernetes: { role: "r" } }).path).toBe("auth/kubernetes/login");
  });
});

// ------------------------------------------------------------------ the shipped stacks, end to end

interface Shipped {
  readonly view: ProgramView;
  readonly world: World;
  /** The reviewer the stack intends. */
  readonly reviewer: "client" | "configured";
}

function withConfig(stack: string, patch: (c: Record<string, any>) => void): { config: Record<string, string>; secretKeys: string[] } {
  const doc = parse(fs.readFileSync(`Pulumi.${stack}.yaml`, "utf8")) as { config: Record<string, any> };
  patch(doc.config);
  return flattenConfig(doc.config);
}

/** The cluster holds what the program creates, plus Prometheus' service account (kube-prometheus-stack installs it). */
function worldFor(view: ProgramView, vault: World["vault"], apiAudiences = [KIND_AUD]): World {
  const extra: string[] = [];
  for (const r of view.roles.values()) if (r.roleName === "prometheus") extra.push(`${r.boundServiceAccountNamespaces![0]}/${r.boundServiceAccountNames![0]}`);
  return { vault, cluster: cluster([...view.serviceAccounts, ...extra], view.tokenReviewers, apiAudiences) };
}

const stacks: Record<string, Shipped> = {};

beforeAll(async () => {
  const dev = readStackFile("dev");
  const devView = programView(await registered("dev", dev.config, dev.secretKeys));
  stacks.dev = { view: devView, world: worldFor(devView, OUTSIDE), reviewer: "client" };

  const prod = readStackFile("prod");
  const prodView = programView(await registered("prod", prod.config, prod.secretKeys));
  stacks.prod = { view: prodView, world: worldFor(prodView, OUTSIDE), reviewer: "configured" };

  const tokenAuth = withConfig("prod", (c) => (c["vault-eso:tokenAuth"] = { enabled: true }));
  const taView = programView(await registered("prod", tokenAuth.config, tokenAuth.secretKeys));
  stacks["prod with tokenAuth.enabled"] = { view: taView, world: worldFor(taView, OUTSIDE), reviewer: "configured" };

  // Prometheus' role in client-JWT review mode (the dev stack with vaultMetrics on).
  const devMetrics = withConfig("dev", (c) => (c["vault-eso:observability"] = { prometheusOperator: false, vaultMetrics: { enabled: true } }));
  const dmView = programView(await registered("dev", devMetrics.config, devMetrics.secretKeys));
  stacks["dev with observability.vaultMetrics"] = { view: dmView, world: worldFor(dmView, OUTSIDE), reviewer: "client" };
}, 60000);

/** The token the store's identity presents: what ESO requests for it. */
function storeToken(s: NamedStore, world: World): SaToken {
  const req = tokenRequestFor(s)!;
  const r = tokenRequest(req, world.cluster);
  if (!r.token) throw new Error(`TokenRequest for store ${s.name} refused: ${r.error}`);
  return r.token;
}

const NAMES = ["dev", "prod", "prod with tokenAuth.enabled", "dev with observability.vaultMetrics"];

describe.each(NAMES)("the %s stack (vault-plugin-auth-kubernetes, kubernetes/kubernetes, external-secrets v2.9.0)", (name) => {
  const s = () => stacks[name];

  test("path_config.go pathConfigWrite: Vault accepts the Kubernetes auth config (backend.go updateTLSConfig)", () => {
    expect(configWriteError(s().view.config, s().world)).toBeUndefined();
  });

  test("backend.go loadConfig + token_review.go Review: the TokenReview bearer is the intended one", () => {
    const r = reviewerFor(s().view.config, s().world);
    expect(r.kind).toBe(s().reviewer);
    if (r.bearer) expect(s().world.cluster.tokenReviewers.has(saKey(r.bearer.sa))).toBe(true);
  });

  test("path_role.go pathRoleCreateUpdate: every role is accepted without warnings", () => {
    expect(s().view.roles.size).toBeGreaterThan(0);
    for (const role of s().view.roles.values()) expect([role.roleName, roleWrite(role)]).toEqual([role.roleName, { warnings: [] }]);
  });

  test("ESO validate.go + auth.go: every store validates, is not referent, logs in at the auth mount, and gets a token", () => {
    expect(s().view.stores.length).toBeGreaterThan(0);
    for (const st of s().view.stores) {
      expect([st.name, storeValidationError(st)]).toEqual([st.name, undefined]);
      expect(isReferent(st)).toBe(false);
      expect(loginCall(st).path).toBe(`auth/${s().view.authPath}/login`);
      expect(s().view.roles.has(loginCall(st).role)).toBe(true);
      storeToken(st, s().world);
    }
  });

  test("client-JWT review: each store's token authenticates as the TokenReview bearer (pkg/serviceaccount/jwt.go AuthenticateToken)", () => {
    if (reviewerFor(s().view.config, s().world).kind !== "client") return;
    for (const st of s().view.stores) {
      const t = storeToken(st, s().world);
      expect([st.name, authenticateToken(t, s().world.cluster).error]).toEqual([st.name, undefined]);
    }
  });

  test("path_login.go pathLogin: each store's login succeeds end to end (TokenRequest -> role checks -> TokenReview)", () => {
    for (const st of s().view.stores) {
      const role = s().view.roles.get(loginCall(st).role);
      const r = login(s().view.config, role, storeToken(st, s().world), s().world);
      expect([st.name, r.error]).toEqual([st.name, undefined]);
    }
  });

  test("ESO auth.go checkToken: each store's token (its role's policies, default kept) may read auth/token/lookup-self; without the default policy it could not", async () => {
    const parsed = new Map<string, VaultPolicy>();
    for (const [n, hcl] of s().view.policies) parsed.set(n, await parsePolicyHcl(n, hcl));
    for (const st of s().view.stores) {
      const role = s().view.roles.get(loginCall(st).role)!;
      expect([st.name, lookupSelfError(loginTokenPolicies(role), parsed)]).toEqual([st.name, undefined]);
      const stripped: RoleWrite = { ...role, tokenNoDefaultPolicy: true };
      expect([st.name, lookupSelfError(loginTokenPolicies(stripped), parsed)]).toEqual([st.name, expect.stringMatching(/403/)]);
    }
  });

  test("path_login.go: no tenant's identity logs in with another identity's role", () => {
    const stores = s().view.stores;
    for (const a of stores) {
      for (const b of stores) {
        if (a === b) continue;
        const r = login(s().view.config, s().view.roles.get(loginCall(b).role), storeToken(a, s().world), s().world);
        expect([a.name, a.namespace, "with role", loginCall(b).role, r.error]).toEqual([a.name, a.namespace, "with role", loginCall(b).role, expect.stringMatching(/not authorized/)]);
      }
    }
  });

  test("Prometheus (projected token for the role's audience: one audience, core/v1 ServiceAccountTokenProjection) logs in with its role", () => {
    const role = s().view.roles.get("prometheus");
    if (!role) return;
    const t = tokenRequest({ namespace: role.boundServiceAccountNamespaces![0], name: role.boundServiceAccountNames![0], audiences: role.audience ? [role.audience] : [], expirationSeconds: 3600 }, s().world.cluster).token!;
    expect(login(s().view.config, role, t, s().world).error).toBeUndefined();
  });
});

test("kubernetes pkg/serviceaccount/jwt.go: clientJwt logins depend on kubernetesAuth.apiAudiences matching the cluster; reviewer mode does not", () => {
  // A cluster whose issuer is not kind's (EKS, GKE, AKS): the dev stack's tokens carry the wrong API audience.
  const eks = ["https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"];
  const dev = stacks.dev;
  const devOther: World = { ...dev.world, cluster: { ...dev.world.cluster, apiAudiences: eks, issuer: eks[0] } };
  for (const st of dev.view.stores) {
    expect(login(dev.view.config, dev.view.roles.get(loginCall(st).role), storeToken(st, devOther), devOther).error).toMatch(/service account unauthorized/);
  }
  const prod = stacks.prod;
  const prodOther: World = { ...prod.world, cluster: { ...prod.world.cluster, apiAudiences: eks, issuer: eks[0] } };
  for (const st of prod.view.stores) {
    expect(login(prod.view.config, prod.view.roles.get(loginCall(st).role), storeToken(st, prodOther), prodOther).error).toBeUndefined();
  }
});

test("the stacks cover both review modes and the Prometheus role", () => {
  expect(NAMES.map((n) => reviewerFor(stacks[n].view.config, stacks[n].world).kind)).toEqual(["client", "configured", "configured", "client"]);
  expect(stacks.prod.view.roles.has("prometheus") && stacks["dev with observability.vaultMetrics"].view.roles.has("prometheus")).toBe(true);
  expect(stacks.dev.view.stores.map((x) => x.kind).sort()).toEqual(["ClusterSecretStore", "SecretStore", "SecretStore"]);
});
