/**
 * Adoption of existing Vault objects (`vault-eso:adopt`) as resource
 * options: which registrations get Pulumi's `import` option, with which
 * import ID, and which inputs must be left to the imported state. Pure: the
 * plan and the per-resource decision are plain functions; the
 * transformation that applies them is handed to components through their
 * `transformations` option (children inherit it), so no component needs to
 * know about adoption.
 *
 * Import IDs are the provider's (terraform-provider-vault v5.8.0, the one
 * @pulumi/vault 7.8.0 bundles): a mount, an auth method and an audit device
 * by their path, a policy by its name, a Kubernetes auth role by
 * `auth/<mount>/role/<name>` (`resource_kubernetes_auth_backend_role.go`).
 * See docs/adopting.md.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AdoptConfig } from "./adopt-config";

export interface AdoptionPlan {
  /** Path of the KV mount to import, if adopted. */
  readonly kvMount?: string;
  /** Path of the Kubernetes auth mount to import, if adopted. */
  readonly kubernetesAuthMount?: string;
  /** The Kubernetes auth mount path (roles live under it). */
  readonly kubernetesAuthPath: string;
  readonly policies: readonly string[];
  readonly roles: readonly string[];
  readonly auditDevices: readonly string[];
}

export function adoptionPlan(c: { readonly adopt: AdoptConfig; readonly kv: { readonly path: string }; readonly kubernetesAuth: { readonly path: string } }): AdoptionPlan {
  return {
    kvMount: c.adopt.kvMount ? c.kv.path : undefined,
    kubernetesAuthMount: c.adopt.kubernetesAuthMount ? c.kubernetesAuth.path : undefined,
    kubernetesAuthPath: c.kubernetesAuth.path,
    policies: c.adopt.policies,
    roles: c.adopt.roles,
    auditDevices: c.adopt.auditDevices,
  };
}

export function adoptsAnything(p: AdoptionPlan): boolean {
  return !!(p.kvMount || p.kubernetesAuthMount || p.policies.length || p.roles.length || p.auditDevices.length);
}

export interface Adoption {
  /** The `import` resource option: the provider's import ID. */
  readonly importId: string;
  /**
   * Inputs taken from the imported state rather than the program while the
   * object is adopted: the provider never reads them back on import, so any
   * value the program sends would differ from the (null) imported value.
   */
  readonly ignoreChanges?: readonly string[];
}

/** The Kubernetes auth role import ID the provider parses back into (backend, role). */
export function kubernetesRoleImportId(mount: string, role: string): string {
  return `auth/${mount}/role/${role}`;
}

/**
 * Whether the resource of `type` with these inputs is adopted, and how.
 * Identity inputs must be plain strings (they are, in this program: names
 * and paths come from config); an unresolved Output is never adopted.
 */
export function adoptionFor(plan: AdoptionPlan, type: string, props: Record<string, unknown>): Adoption | undefined {
  const str = (k: string) => (typeof props[k] === "string" ? (props[k] as string) : undefined);
  switch (type) {
    case "vault:index/mount:Mount":
      return plan.kvMount !== undefined && str("path") === plan.kvMount ? { importId: plan.kvMount } : undefined;
    case "vault:index/authBackend:AuthBackend":
      // authBackendRead never sets disable_remount (hashicorp/terraform-provider-vault#2350), but the
      // schema defaults it to false: without this the import would always report a difference.
      return plan.kubernetesAuthMount !== undefined && str("path") === plan.kubernetesAuthMount
        ? { importId: plan.kubernetesAuthMount, ignoreChanges: ["disableRemount"] }
        : undefined;
    case "vault:index/policy:Policy": {
      const name = str("name");
      return name !== undefined && plan.policies.includes(name) ? { importId: name } : undefined;
    }
    case "vault:kubernetes/authBackendRole:AuthBackendRole": {
      const role = str("roleName");
      return role !== undefined && plan.roles.includes(role) ? { importId: kubernetesRoleImportId(plan.kubernetesAuthPath, role) } : undefined;
    }
    case "vault:index/audit:Audit": {
      const path = str("path");
      return path !== undefined && plan.auditDevices.includes(path) ? { importId: path } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The transformations to pass to every component that registers Vault
 * objects (none when nothing is adopted). Existing options (protect,
 * retainOnDelete, ignoreChanges, providers...) are kept.
 */
export function adoptTransformations(plan: AdoptionPlan): pulumi.ResourceTransformation[] {
  if (!adoptsAnything(plan)) return [];
  return [
    (args) => {
      const a = adoptionFor(plan, args.type, args.props as Record<string, unknown>);
      if (!a) return undefined;
      const opts = args.opts as pulumi.CustomResourceOptions;
      const ignoreChanges = [...new Set([...(opts.ignoreChanges ?? []), ...(a.ignoreChanges ?? [])])];
      return { props: args.props, opts: { ...opts, import: a.importId, ...(ignoreChanges.length ? { ignoreChanges } : {}) } };
    },
  ];
}
