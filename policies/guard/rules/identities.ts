/**
 * Every resource of @pulumi/vault 7.8.0 that gives a Vault login or token
 * policies, and the resources that write arbitrary Vault paths. Type tokens
 * and property names are the ones in node_modules/@pulumi/vault (each
 * resource's `__pulumiType` and its input interface).
 */
import type { GuardResource } from "../rule";
import { isUnknown } from "../rule";

/** Resource type -> the inputs that list the policies its logins or tokens get. */
export const POLICY_HOLDERS: Readonly<Record<string, readonly string[]>> = {
  // Auth method roles and mount-level defaults: `token_policies` of every login through them.
  "vault:kubernetes/authBackendRole:AuthBackendRole": ["tokenPolicies"],
  "vault:appRole/authBackendRole:AuthBackendRole": ["tokenPolicies"],
  "vault:jwt/authBackendRole:AuthBackendRole": ["tokenPolicies"],
  "vault:aws/authBackendRole:AuthBackendRole": ["tokenPolicies"],
  "vault:aws/authBackendRoleTag:AuthBackendRoleTag": ["policies"],
  "vault:azure/authBackendRole:AuthBackendRole": ["tokenPolicies"],
  "vault:gcp/authBackendRole:AuthBackendRole": ["tokenPolicies"],
  "vault:alicloud/authBackendRole:AuthBackendRole": ["tokenPolicies"],
  "vault:index/certAuthBackendRole:CertAuthBackendRole": ["tokenPolicies"],
  "vault:index/ociAuthBackendRole:OciAuthBackendRole": ["tokenPolicies"],
  "vault:index/scepAuthBackendRole:ScepAuthBackendRole": ["tokenPolicies"],
  "vault:saml/authBackendRole:AuthBackendRole": ["tokenPolicies"],
  "vault:github/authBackend:AuthBackend": ["tokenPolicies"],
  "vault:github/team:Team": ["policies"],
  "vault:github/user:User": ["policies"],
  "vault:ldap/authBackend:AuthBackend": ["tokenPolicies"],
  "vault:ldap/authBackendGroup:AuthBackendGroup": ["policies"],
  "vault:ldap/authBackendUser:AuthBackendUser": ["policies"],
  "vault:okta/authBackend:AuthBackend": ["tokenPolicies"],
  "vault:okta/authBackendGroup:AuthBackendGroup": ["policies"],
  "vault:okta/authBackendUser:AuthBackendUser": ["policies"],
  // Token roles: tokens created through them may carry any of `allowed_policies` (and get `token_policies`).
  "vault:tokenauth/authBackendRole:AuthBackendRole": ["tokenPolicies", "allowedPolicies"],
  "vault:index/token:Token": ["policies"],
  // Identities: every token of the entity (or of a member of the group) gets these.
  "vault:identity/entity:Entity": ["policies"],
  "vault:identity/entityPolicies:EntityPolicies": ["policies"],
  "vault:identity/group:Group": ["policies"],
  "vault:identity/groupPolicies:GroupPolicies": ["policies"],
};

/** Inputs that make a token role's allowed policies open-ended (go-glob patterns). */
export const POLICY_GLOB_INPUTS = ["allowedPoliciesGlobs"] as const;

/**
 * The policy names `r` gives (all policy inputs together), `"unknown"` when
 * one is not known until apply, or undefined for a resource that holds none.
 */
export function heldPolicyNames(r: GuardResource): string[] | "unknown" | undefined {
  const keys = POLICY_HOLDERS[r.type];
  if (!keys) return undefined;
  const out: string[] = [];
  for (const k of keys) {
    const v = r.props[k];
    if (v === undefined || v === null) continue;
    if (isUnknown(v) || !Array.isArray(v) || v.some((x) => typeof x !== "string")) return "unknown";
    out.push(...(v as string[]));
  }
  return out;
}

/** Resources that write an arbitrary Vault path, and how to read the path they write. */
export const RAW_WRITERS: Readonly<Record<string, { readonly label: string; path(props: Record<string, any>): unknown }>> = {
  "vault:generic/endpoint:Endpoint": { label: "vault.generic.Endpoint", path: (p) => p.path },
  "vault:generic/secret:Secret": { label: "vault.generic.Secret", path: (p) => p.path },
  "vault:kv/secret:Secret": { label: "vault.kv.Secret", path: (p) => p.path },
  "vault:kv/secretV2:SecretV2": {
    label: "vault.kv.SecretV2",
    path: (p) => (isUnknown(p.mount) ? p.mount : isUnknown(p.name) ? p.name : typeof p.mount === "string" && typeof p.name === "string" ? `${p.mount}/data/${p.name}` : undefined),
  },
};
