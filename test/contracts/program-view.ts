/**
 * Lifts what the program registered (under the mock engine) into the inputs
 * the upstream models take: the Kubernetes auth config and roles Vault
 * receives, the stores ESO reads, and the identities that exist in the
 * cluster and may create TokenReviews.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildPlatform } from "../../components/platform";
import { loadStackConfig } from "../../components/config/stack-config";
import { installMocks, Registered } from "../helpers/mocks";
import { legacySecretToken, saKey, ServiceAccountRef } from "./models/kube-apiserver";
import type { AuthConfigWrite, RoleWrite } from "./models/vault-kubernetes-auth";
import type { StoreUnderTest } from "./models/eso-vault-login";

export interface NamedStore extends StoreUnderTest {
  readonly name: string;
}

export interface ProgramView {
  readonly authPath: string;
  readonly config: AuthConfigWrite;
  readonly roles: ReadonlyMap<string, RoleWrite>;
  /** Stores that log in with Kubernetes auth. */
  readonly stores: readonly NamedStore[];
  /** Service accounts the program creates (and ESO's, created by its chart). */
  readonly serviceAccounts: ReadonlySet<string>;
  /** Service accounts bound to system:auth-delegator by the program (and by ESO's chart). */
  readonly tokenReviewers: ReadonlySet<string>;
  /** The Vault policies the program writes: name -> HCL. */
  readonly policies: ReadonlyMap<string, string>;
}

/** Runs `buildPlatform(loadStackConfig())` under a fresh mock engine with `config` (several stacks per test file). */
export async function registered(stack: string, config: Record<string, string>, secretKeys: string[] = []): Promise<Registered[]> {
  const engine = installMocks(stack);
  pulumi.runtime.setAllConfig(config, secretKeys);
  buildPlatform(loadStackConfig());
  await engine.settle();
  return engine.resources;
}

export function programView(resources: readonly Registered[]): ProgramView {
  const of = (t: string) => resources.filter((r) => r.type === t && !r.read);
  const configs = of("vault:kubernetes/authBackendConfig:AuthBackendConfig");
  if (configs.length !== 1) throw new Error(`expected one Kubernetes auth config, found ${configs.length}`);
  const c = configs[0].inputs;

  const serviceAccounts = new Set<string>();
  for (const sa of of("kubernetes:core/v1:ServiceAccount")) serviceAccounts.add(saKey(sa.inputs.metadata));
  const tokenReviewers = new Set<string>();
  for (const rel of of("kubernetes:helm.sh/v3:Release")) {
    const values = rel.inputs.values ?? {};
    const eso = { namespace: rel.inputs.namespace, name: values.serviceAccount?.name ?? "external-secrets" };
    serviceAccounts.add(saKey(eso));
    if (values.systemAuthDelegator) tokenReviewers.add(saKey(eso));
  }
  for (const b of of("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")) {
    if (b.inputs.roleRef?.name !== "system:auth-delegator") continue;
    for (const s of b.inputs.subjects ?? []) if (s.kind === "ServiceAccount") tokenReviewers.add(saKey(s));
  }

  // The reviewer JWT is the token of a service-account-token Secret: map it to that identity.
  let tokenReviewer: AuthConfigWrite["tokenReviewer"];
  if (c.tokenReviewerJwt !== undefined) {
    const secret = of("kubernetes:core/v1:Secret").find((s) => s.inputs.type === "kubernetes.io/service-account-token");
    if (!secret) throw new Error("a reviewer JWT is configured but no service-account-token Secret backs it");
    const sa: ServiceAccountRef = { namespace: secret.inputs.metadata.namespace, name: secret.inputs.metadata.annotations["kubernetes.io/service-account.name"] };
    tokenReviewer = legacySecretToken(sa);
  }
  const config: AuthConfigWrite = {
    kubernetesHost: c.kubernetesHost,
    kubernetesCaCert: c.kubernetesCaCert,
    tokenReviewer,
    disableLocalCaJwt: c.disableLocalCaJwt,
    issuer: c.issuer,
    disableIssValidation: c.disableIssValidation,
  };

  const roles = new Map<string, RoleWrite>();
  for (const r of of("vault:kubernetes/authBackendRole:AuthBackendRole")) roles.set(r.inputs.roleName, r.inputs as RoleWrite);

  const stores: NamedStore[] = [];
  for (const kind of ["SecretStore", "ClusterSecretStore"] as const) {
    for (const s of of(`kubernetes:external-secrets.io/v1:${kind}`)) {
      const k = s.inputs.spec?.provider?.vault?.auth?.kubernetes;
      if (k) stores.push({ kind, name: s.inputs.metadata.name, namespace: s.inputs.metadata.namespace, kubernetes: k });
    }
  }
  const backends = of("vault:index/authBackend:AuthBackend").filter((b) => b.inputs.type === "kubernetes");
  const policies = new Map<string, string>();
  for (const p of of("vault:index/policy:Policy")) policies.set(p.inputs.name, p.inputs.policy);
  return { authPath: backends[0]?.inputs.path, config, roles, stores, serviceAccounts, tokenReviewers, policies };
}
