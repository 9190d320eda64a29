/**
 * Stack-level rules: each tenant has its own Vault role and store, and no
 * two tenants' Vault reach overlaps (every policy in the stack, resolved for
 * each tenant's identity and evaluated with the ACL evaluator).
 */
import { TENANT_LABEL } from "../../../components/tenants/tenant";
import { compileAcl, resolveTemplates } from "../../vault/acl";
import type { PathRule, VaultPolicy } from "../../vault/model";
import { GuardResource, isUnknown, StackRule, StackViolation, Undecided } from "../rule";
import { dig, k8sType } from "./kubernetes";
import { namespaceIdentity, normalizePath, policyOf, VAULT_TYPES } from "./vault";
import { heldPolicyNames, POLICY_GLOB_INPUTS, POLICY_HOLDERS } from "./identities";
import { policyName, sameVaultName, sanitizePolicyNames } from "../../vault/names";
import { policyPathsMeet } from "../../vault/patterns";
import { WRITER_POLICY_SUFFIX } from "../../../components/tenants/writers-config";
import { parsePolicy } from "../../vault/hcl";

export { TENANT_LABEL };

export interface TenantView {
  readonly tenant: string;
  readonly namespace: string;
  readonly namespaceResource: GuardResource;
  /** Kubernetes auth roles whose bound namespaces include this one. */
  readonly roles: GuardResource[];
  /** SecretStores in this namespace. */
  readonly stores: GuardResource[];
}

const isNamespace = (r: GuardResource) => r.type === "kubernetes:core/v1:Namespace";
const labelsOf = (r: GuardResource): Record<string, unknown> => {
  const l = r.props.metadata?.labels;
  return l && typeof l === "object" && !isUnknown(l) ? l : {};
};

/** Tenants in the stack: namespaces labelled `vault-eso.io/tenant`, with the roles bound to them and their stores. */
export function tenantsOf(resources: readonly GuardResource[]): TenantView[] {
  return resources
    .filter((r) => isNamespace(r) && typeof labelsOf(r)[TENANT_LABEL] === "string" && typeof r.props.metadata?.name === "string")
    .map((ns) => {
      const name = ns.props.metadata.name as string;
      return {
        tenant: labelsOf(ns)[TENANT_LABEL] as string,
        namespace: name,
        namespaceResource: ns,
        roles: resources.filter((r) => r.type === VAULT_TYPES.k8sRole && Array.isArray(r.props.boundServiceAccountNamespaces) && r.props.boundServiceAccountNamespaces.includes(name)),
        stores: resources.filter((r) => {
          const t = k8sType(r.type);
          return t?.group === "external-secrets.io" && t.kind === "SecretStore" && r.props.metadata?.namespace === name;
        }),
      };
    });
}

/** Roles whose bound namespaces are not known yet: they could bind any tenant. */
const rolesWithUnknownNamespaces = (resources: readonly GuardResource[]) =>
  resources.filter((r) => r.type === VAULT_TYPES.k8sRole && (isUnknown(r.props.boundServiceAccountNamespaces) || (Array.isArray(r.props.boundServiceAccountNamespaces) && r.props.boundServiceAccountNamespaces.some(isUnknown))));

export const tenantOwnRoleAndStore: StackRule<{ allowSharedTenancy: boolean }> = {
  name: "tenant-own-role-and-store",
  description:
    "Every tenant namespace (labelled vault-eso.io/tenant) has exactly one Kubernetes auth role bound to it, that role binds that namespace alone, and the tenant has its own SecretStore that logs in with that role, so Vault (not only Kubernetes RBAC) sees which tenant asks. " +
    "Fix: onboard tenants with TenantNamespace in isolated mode; set allowSharedTenancy to accept tenants served by the ClusterSecretStore.",
  enforcementLevel: "mandatory",
  config: { schema: { allowSharedTenancy: { type: "boolean" } }, defaults: { allowSharedTenancy: false } },
  check(resources, c) {
    const out: Array<StackViolation | Undecided> = rolesWithUnknownNamespaces(resources).map((r) => new Undecided("a role's bound namespaces are not known until apply", r.urn));
    const someRoleUnknown = out.length > 0;
    for (const t of tenantsOf(resources)) {
      const urn = t.namespaceResource.urn;
      // With a role whose namespaces are unknown, "no role" may be wrong (undecided, reported above); "two roles" is not.
      if (t.roles.length > 1 || (t.roles.length === 0 && !someRoleUnknown)) out.push({ message: `tenant "${t.tenant}" has ${t.roles.length} Vault roles bound to namespace ${t.namespace}; it needs exactly one of its own`, urn });
      for (const role of t.roles) {
        const bound: unknown[] = role.props.boundServiceAccountNamespaces;
        if (bound.length !== 1) out.push({ message: `role "${role.props.roleName}" binds ${JSON.stringify(bound)}: a tenant's role binds the tenant's namespace only`, urn: role.urn });
      }
      if (c.allowSharedTenancy) continue;
      if (t.stores.length === 0) {
        out.push({ message: `tenant "${t.tenant}" has no SecretStore of its own in ${t.namespace}`, urn });
        continue;
      }
      if (t.roles.length !== 1) continue;
      const roleName = t.roles[0].props.roleName;
      for (const store of t.stores) {
        const storeRole = dig(store.props, "spec", "provider", "vault", "auth", "kubernetes", "role");
        if (isUnknown(storeRole) || isUnknown(roleName)) out.push(new Undecided("a store's or role's name is not known until apply", store.urn));
        // Kubernetes auth stores roles under the lower-cased name (vault-plugin-auth-kubernetes path_role.go): one role.
        else if (typeof storeRole !== "string" || typeof roleName !== "string" || !sameVaultName("authRole", storeRole, roleName)) {
          out.push({ message: `SecretStore ${t.namespace}/${store.props.metadata?.name} logs in as ${JSON.stringify(storeRole ?? "(no kubernetes auth)")}, not as the tenant's role "${roleName}"`, urn: store.urn });
        }
      }
    }
    return out;
  },
};

interface Reach {
  /** Who: `tenant "x"` or `ClusterSecretStore "y"`. */
  readonly who: string;
  /** The tenant (undefined for a ClusterSecretStore's identity). */
  readonly tenant?: TenantView;
  readonly role: GuardResource;
  /** Granting rules on the KV mounts, templates resolved for this identity. */
  readonly rules: PathRule[];
  /** Granting rules whose identity template this identity cannot resolve (Vault drops them for it, until its entity data says otherwise). */
  readonly unresolved: PathRule[];
  readonly acl: ReturnType<typeof compileAcl>;
}

export interface ReachConfig {
  /** Policy names a role may attach although the stack does not write them (their reach is not checked). */
  trustedExternalPolicies: string[];
  /**
   * Texts (HCL or JSON) of policies another stack writes, by name: a tenant stack's roles
   * attach its platform's templated policy (docs/sharding.md: `tenantContract.tenancy.templatedPolicy`),
   * and with its text their reach is evaluated like a policy of this stack. Default: none.
   */
  externalPolicies: Record<string, string>;
  /** Whether a ClusterSecretStore's identity may reach tenants' paths (shared tenancy). */
  allowSharedTenancy: boolean;
}

export const tenantReachDisjoint: StackRule<ReachConfig> = {
  name: "tenant-reach-disjoint",
  description:
    "No two tenants' Vault identities (the Kubernetes auth roles that admit their namespaces, by name, glob or selector, and the identity groups of their writers) may reach a common path on the KV mounts; no other identity that can hold a policy (a Kubernetes auth role for any other namespace, AppRole, JWT/OIDC, LDAP, Okta, GitHub, cloud and cert roles, token roles and their allowed policies, identity entities, groups, group and entity policies) may reach any tenant's path (one that reaches two tenants combines them); and neither the identity behind a ClusterSecretStore (any namespace the store serves could read it) nor a vault.Token the stack mints may reach any tenant's path. " +
    "Policy names compare as Vault stores them (trimmed, lower-cased; `root` in any spelling is refused). " +
    "Each identity's policies (those its Kubernetes auth role attaches, identity templates resolved for its namespace) are evaluated with the ACL evaluator; for every pair of identities and every pair of granting rules, a path both rules match is computed and checked against both full ACLs (deny and priority included). " +
    "A role that attaches a policy this stack does not write cannot be proven isolated and is a violation unless the policy's text is given in externalPolicies (then it is evaluated) or its name is listed in trustedExternalPolicies. " +
    "Fix: give each tenant its own subtree (the path template must contain {tenant} as a whole segment), keep the cluster store's scope beside the tenants' paths, and never attach one tenant's policy to another's role; set allowSharedTenancy for tenants served by the ClusterSecretStore.",
  enforcementLevel: "mandatory",
  config: {
    schema: {
      trustedExternalPolicies: { type: "array", items: { type: "string" } },
      externalPolicies: { type: "object", additionalProperties: { type: "string" } },
      allowSharedTenancy: { type: "boolean" },
    },
    defaults: { trustedExternalPolicies: ["default"], externalPolicies: {}, allowSharedTenancy: false },
  },
  async check(resources, c) {
    const out: Array<StackViolation | Undecided> = [];
    const external = new Map<string, VaultPolicy>();
    for (const [name, text] of Object.entries(c.externalPolicies ?? {})) {
      try {
        external.set(policyName(name), parsePolicy(policyName(name), text));
      } catch (e) {
        out.push({ message: `externalPolicies["${name}"] does not parse as a Vault policy: ${(e as Error).message}` });
      }
    }
    const trusted = new Set((c.trustedExternalPolicies ?? []).map(policyName));
    // Policies by the name Vault stores them under (trimmed, lower-cased: vault/policy_store.go).
    const byName = new Map<string, { policy?: VaultPolicy; resource: GuardResource }>();
    for (const r of resources) {
      if (r.type !== VAULT_TYPES.policy || typeof r.props.name !== "string") continue;
      const policy = await policyOf(r).catch(() => undefined); // unparseable policies: vault-policy-least-privilege reports them
      byName.set(policyName(r.props.name), { policy, resource: r });
    }
    const kvMounts = new Set(resources.filter((r) => r.type === VAULT_TYPES.mount && typeof r.props.path === "string").map((r) => r.props.path as string));
    const onKv = (path: string) => {
      const first = path.split("/")[0];
      return kvMounts.size > 0 ? kvMounts.has(first) : !["sys", "auth", "cubbyhole", "identity"].includes(first);
    };

    /**
     * The reach of whoever logs in through `holder` (any resource that gives
     * policies: an auth role, a token, a token role, an entity or group)
     * from Kubernetes namespace `namespace` (identity templates resolve to
     * it); undefined when it cannot be decided or is reported already.
     */
    const reachOf = (who: string, holder: GuardResource, namespace: string, tenant?: TenantView): Reach | undefined => {
      const held = heldPolicyNames(holder);
      if (held === "unknown") {
        out.push(new Undecided(`the policies of ${who} are not known until apply`, holder.urn));
        return undefined;
      }
      const names = sanitizePolicyNames(held ?? []);
      if (names.includes("root")) {
        out.push({ message: `${who} attaches the root policy (${JSON.stringify(held)}; Vault trims and lower-cases policy names, so any spelling of "root" is root): it reaches everything`, urn: holder.urn });
        return undefined;
      }
      const policies: VaultPolicy[] = [];
      let decided = true;
      for (const n of names) {
        const found = byName.get(n);
        if (found?.policy) policies.push(found.policy);
        else if (!found && external.has(n)) policies.push(external.get(n)!);
        else if (found && isUnknown(found.resource.props.policy)) {
          out.push(new Undecided(`the text of policy "${n}" is not known until apply`, found.resource.urn));
          decided = false;
        } else if (!found && !trusted.has(n)) {
          out.push({ message: `${who} attaches policy "${n}", which this stack does not write, so its reach cannot be checked`, urn: holder.urn });
        }
      }
      if (!decided) return undefined;
      const accounts = holder.props.boundServiceAccountNames;
      const sa = Array.isArray(accounts) && typeof accounts[0] === "string" ? accounts[0] : "probe-sa";
      const identity = namespaceIdentity(policies, namespace, sa);
      const rules = policies.flatMap((p) =>
        p.rules
          .filter((r) => !r.capabilities.includes("deny"))
          .map((r) => ({ ...r, path: resolveTemplates(normalizePath(r.path), identity) }))
          .filter((r): r is PathRule => r.path !== undefined && onKv(r.path)),
      );
      const unresolved = policies.flatMap((p) => p.rules.filter((r) => !r.capabilities.includes("deny") && r.path.includes("{{") && resolveTemplates(normalizePath(r.path), identity) === undefined));
      try {
        return { who, tenant, role: holder, rules, unresolved, acl: compileAcl(policies, identity) };
      } catch (e) {
        // Vault refuses to build this ACL (e.g. `root` next to other policies): no token gets it, but the stack is wrong
        out.push({ message: `${who}: ${(e as Error).message}`, urn: holder.urn });
        return undefined;
      }
    };

    const views = tenantsOf(resources);
    const tenantOfNamespace = new Map(views.map((t) => [t.namespace, t]));
    // Roles a ClusterSecretStore logs in with, and tokens: judged below against tenants (shared tenancy is a setting).
    const storeRoles = new Set<GuardResource>();
    const stores = resources.filter((r) => k8sType(r.type)?.group === "external-secrets.io" && k8sType(r.type)?.kind === "ClusterSecretStore");
    for (const store of stores) {
      const roleName = dig(store.props, "spec", "provider", "vault", "auth", "kubernetes", "role");
      if (typeof roleName !== "string") continue;
      for (const r of resources) if (r.type === VAULT_TYPES.k8sRole && typeof r.props.roleName === "string" && sameVaultName("authRole", r.props.roleName, roleName)) storeRoles.add(r);
    }

    const tenants: Reach[] = [];
    const others: Reach[] = [];
    for (const holder of resources) {
      if (!POLICY_HOLDERS[holder.type] || storeRoles.has(holder) || holder.type === VAULT_TYPES.token) continue;
      const label = holder.props.roleName ?? holder.props.name ?? holder.name;
      if (holder.type === VAULT_TYPES.tokenRole) {
        const globs = POLICY_GLOB_INPUTS.flatMap((k) => (Array.isArray(holder.props[k]) ? holder.props[k] : []));
        if (globs.length > 0) out.push({ message: `token role "${label}" allows policies by glob (${JSON.stringify(globs)}): tokens created through it may carry policies this stack does not write, so its reach cannot be checked. Fix: list allowedPolicies by name`, urn: holder.urn });
      }
      if (holder.type === VAULT_TYPES.k8sRole) {
        // A Kubernetes login is judged for each namespace the role admits: a tenant's (it acts as that tenant), or any other.
        const bound = holder.props.boundServiceAccountNamespaces;
        if (isUnknown(bound) || (Array.isArray(bound) && bound.some(isUnknown))) continue; // undecided: tenant-own-role-and-store reports it
        const literal = (Array.isArray(bound) ? bound : []).filter((n): n is string => typeof n === "string");
        const open = literal.some((n) => n.includes("*")) || (typeof holder.props.boundServiceAccountNamespaceSelector === "string" && holder.props.boundServiceAccountNamespaceSelector !== "");
        const admitted = new Set([...literal.filter((n) => !n.includes("*")), ...views.filter((t) => open || literal.some((n) => n.includes("*") && goGlob(n, t.namespace))).map((t) => t.namespace)]);
        for (const ns of admitted) {
          const t = tenantOfNamespace.get(ns);
          const reach = reachOf(t ? `tenant "${t.tenant}" (role "${label}")` : `Kubernetes auth role "${label}" (namespace ${ns})`, holder, ns, t);
          if (reach) (t ? tenants : others).push(reach);
        }
        if (open) {
          const reach = reachOf(`Kubernetes auth role "${label}" (any namespace it admits)`, holder, "");
          if (reach) others.push(reach);
        }
        continue;
      }
      // Identity groups the stack writes for a tenant's writers count as that tenant (its writer policy names it).
      const held = heldPolicyNames(holder);
      const owner = holder.type === VAULT_TYPES.identityGroup && Array.isArray(held) ? views.find((t) => sanitizePolicyNames(held).includes(policyName(`tenant-${t.tenant}${WRITER_POLICY_SUFFIX}`))) : undefined;
      const kind = holder.type.split(":")[1];
      const reach = reachOf(`${owner ? `tenant "${owner.tenant}" writers` : kind} (${holder.type === VAULT_TYPES.identityGroup ? "group" : "name"} "${label}")`, holder, "", owner);
      if (reach) (owner ? tenants : others).push(reach);
    }
    // In the order of the tenants' namespaces (stable: messages name the earlier tenant first).
    tenants.sort((a, b) => views.indexOf(a.tenant!) - views.indexOf(b.tenant!));
    for (let i = 0; i < tenants.length; i++) {
      for (let j = i + 1; j < tenants.length; j++) {
        const [a, b] = [tenants[i], tenants[j]];
        if (a.tenant !== undefined && a.tenant === b.tenant) continue;
        const shared = firstSharedPath(a, b);
        if (shared) {
          const [na, nb] = [a.tenant?.tenant ?? a.who, b.tenant?.tenant ?? b.who];
          out.push({ message: `tenants "${na}" and "${nb}" both reach "${shared.path}" (${na}: ${shared.a}; ${nb}: ${shared.b})${a.role.type === VAULT_TYPES.identityGroup || b.role.type === VAULT_TYPES.identityGroup ? ` [${a.who}; ${b.who}]` : ""}`, urn: a.role.urn });
        }
      }
    }
    // Every other identity (a role bound elsewhere, AppRole, JWT/OIDC, LDAP, token roles, entities, groups): no tenant's path.
    for (const o of others) {
      // A template this identity cannot resolve now resolves from entity data (metadata, aliases, a merged entity) that
      // others may write: judged at its worst, any string (policies/vault/patterns.ts).
      for (const ru of o.unresolved) {
        const hit = tenants.flatMap((t) => t.rules.map((rt) => ({ t, w: policyPathsMeet(ru.path, rt.path) }))).find((x) => x.w !== undefined);
        if (hit) out.push({ message: `${o.who} holds the templated path "${ru.path}": its template is resolved from identity data this stack does not control, and can reach "${hit.w}" of tenant "${hit.t.tenant?.tenant}". Fix: give this identity a policy without identity templates`, urn: o.role.urn });
      }
      const reached = tenants.map((t) => ({ t, shared: firstSharedPath(o, t) })).filter((x) => x.shared);
      const names = [...new Set(reached.map((x) => x.t.tenant!.tenant))];
      for (const { t, shared } of reached) {
        out.push({ message: `${o.who} reaches "${shared!.path}" of tenant "${t.tenant?.tenant}"${names.length > 1 ? ` (it combines tenants ${names.map((n) => `"${n}"`).join(", ")})` : ""}: only the tenant's own identities may`, urn: o.role.urn });
      }
    }

    if (c.allowSharedTenancy || tenants.length === 0) return out;
    for (const store of stores) {
      const k8s = dig(store.props, "spec", "provider", "vault", "auth", "kubernetes");
      const roleName = dig(k8s, "role");
      if (isUnknown(roleName)) {
        out.push(new Undecided("the ClusterSecretStore's role is not known until apply", store.urn));
        continue;
      }
      if (typeof roleName !== "string") continue; // token auth: no role to evaluate
      const role = resources.find((r) => r.type === VAULT_TYPES.k8sRole && typeof r.props.roleName === "string" && sameVaultName("authRole", r.props.roleName, roleName));
      const ns = k8s?.serviceAccountRef?.namespace ?? (Array.isArray(role?.props.boundServiceAccountNamespaces) ? role?.props.boundServiceAccountNamespaces[0] : undefined);
      if (!role || typeof ns !== "string") continue; // a role this stack does not write: nothing to evaluate
      const reach = reachOf(`ClusterSecretStore "${store.props.metadata?.name}" (role "${roleName}")`, role, ns);
      for (const t of reach ? tenants : []) {
        const shared = firstSharedPath(reach!, t);
        if (shared) out.push({ message: `${reach!.who} reaches "${shared.path}" of tenant "${t.tenant?.tenant}": every namespace the store serves can read it`, urn: store.urn });
      }
    }
    // Tokens the stack mints (e.g. for a ClusterSecretStore with token auth) are shared identities too.
    for (const token of resources.filter((r) => r.type === VAULT_TYPES.token)) {
      const reach = reachOf(`vault.Token "${token.name}"`, token, "");
      for (const t of reach ? tenants : []) {
        const shared = firstSharedPath(reach!, t);
        if (shared) out.push({ message: `${reach!.who} reaches "${shared.path}" of tenant "${t.tenant?.tenant}": whoever holds the token can read it`, urn: token.urn });
      }
    }
    return out;
  },
};

/** go-glob (ryanuber/go-glob `Glob`), as Kubernetes auth matches bound names: `*` matches any run of characters, anywhere. */
export function goGlob(pattern: string, value: string): boolean {
  if (!pattern.includes("*")) return pattern === value;
  const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "s");
  return re.test(value);
}

function firstSharedPath(a: Reach, b: Reach): { path: string; a: string; b: string } | undefined {
  for (const ra of a.rules) {
    for (const rb of b.rules) {
      const path = policyPathsMeet(ra.path, rb.path);
      if (path === undefined) continue;
      const [ca, cb] = [a.acl.capabilities(path), b.acl.capabilities(path)];
      if (ca.size > 0 && cb.size > 0) return { path, a: [...ca].join(","), b: [...cb].join(",") };
    }
  }
  return undefined;
}

export const STACK_RULES = [tenantOwnRoleAndStore, tenantReachDisjoint] as const;
