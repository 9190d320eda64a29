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
import type { AdoptConfig, AdoptedObject } from "./adopt-config";
import { HELM_RELEASE_TYPE, isClusterScoped, kindOfType, kubernetesImportId } from "./adopt-kinds";

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
  /** Existing Kubernetes objects: imported (until `imported`), then kept; never deleted by the program. */
  readonly kubernetes: { readonly objects: readonly AdoptedObject[]; readonly imported: boolean };
}

type AdoptInput = Omit<AdoptConfig, "kubernetes"> & { readonly kubernetes?: AdoptConfig["kubernetes"] };

export function adoptionPlan(c: { readonly adopt: AdoptInput; readonly kv: { readonly path: string }; readonly kubernetesAuth: { readonly path: string } }): AdoptionPlan {
  return {
    kvMount: c.adopt.kvMount ? c.kv.path : undefined,
    kubernetesAuthMount: c.adopt.kubernetesAuthMount ? c.kubernetesAuth.path : undefined,
    kubernetesAuthPath: c.kubernetesAuth.path,
    policies: c.adopt.policies,
    roles: c.adopt.roles,
    auditDevices: c.adopt.auditDevices,
    kubernetes: c.adopt.kubernetes ?? { objects: [], imported: false },
  };
}

export function adoptsAnything(p: AdoptionPlan): boolean {
  return !!(p.kvMount || p.kubernetesAuthMount || p.policies.length || p.roles.length || p.auditDevices.length || p.kubernetes.objects.length);
}

export interface Adoption {
  /** The `import` resource option: the provider's import ID (none once an adopted Kubernetes object is `imported`). */
  readonly importId?: string;
  /** Never delete it: the program did not create it (adopted Kubernetes objects). */
  readonly retainOnDelete?: boolean;
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
      return name !== undefined && plan.policies.includes(name) ? { importId: name, ...importOnly(plan, props, ["name"]) } : undefined;
    }
    case "vault:kubernetes/authBackendRole:AuthBackendRole": {
      const role = str("roleName");
      return role !== undefined && plan.roles.includes(role) ? { importId: kubernetesRoleImportId(plan.kubernetesAuthPath, role), ...importOnly(plan, props, ["backend", "roleName"]) } : undefined;
    }
    case "vault:index/audit:Audit": {
      const path = str("path");
      return path !== undefined && plan.auditDevices.includes(path) ? { importId: path } : undefined;
    }
    default:
      return kubernetesAdoption(plan, type, props);
  }
}

/**
 * While adopted Kubernetes objects are being imported (`adopt.kubernetes.objects` given, `imported: false`),
 * an adopted policy or role is imported as it is, too (every input but its identity taken from Vault): the
 * first `up` then changes nothing that exists, and the stores, whose login depends on the role (audience,
 * policies), switch together with it in the second `up`. Otherwise the import is strict (docs/adopting.md).
 */
function importOnly(plan: AdoptionPlan, props: Record<string, unknown>, identity: readonly string[]): { ignoreChanges?: string[] } {
  if (plan.kubernetes.imported || plan.kubernetes.objects.length === 0) return {};
  return { ignoreChanges: Object.keys(props).filter((k) => !identity.includes(k)) };
}

/** Inputs that name the object: never taken from the cluster on import (they are how it is found). */
const IDENTITY_INPUTS = ["apiVersion", "kind"];

/**
 * An existing Kubernetes object (or Helm release) the config lists: imported by
 * `<namespace>/<name>` or `<name>` with every other input taken from the cluster
 * (`ignoreChanges`), so the import step finds no difference and changes nothing
 * (pulumi/pulumi `step.go` `ImportStep.Apply` fails `up` on any difference:
 * "inputs to import do not match the existing resource"); once `imported`, only
 * `retainOnDelete` stays, so the next `up` updates it in place and no later
 * change (a tenant removed, `pulumi destroy`, a replacement) deletes it
 * (`step.go` `DeleteStep.Apply` skips the provider's Delete when the old state
 * has `RetainOnDelete`).
 */
function kubernetesAdoption(plan: AdoptionPlan, type: string, props: Record<string, unknown>): Adoption | undefined {
  if (plan.kubernetes.objects.length === 0) return undefined;
  const kind = kindOfType(type);
  if (!kind) return undefined;
  const identity = kubernetesIdentity(kind, type, props);
  if (!identity) return undefined;
  const hit = plan.kubernetes.objects.find((o) => o.kind === kind && o.name === identity.name && (o.namespace ?? undefined) === identity.namespace);
  if (!hit) return undefined;
  if (plan.kubernetes.imported) return { retainOnDelete: true };
  return { importId: kubernetesImportId(hit), retainOnDelete: true, ignoreChanges: Object.keys(props).filter((k) => !IDENTITY_INPUTS.includes(k)) };
}

/**
 * Name and namespace of a registration, when both are plain strings (the
 * components pass names from config as literals; an Output is never matched).
 */
export function kubernetesIdentity(kind: string, type: string, props: Record<string, unknown>): { name: string; namespace?: string } | undefined {
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  if (type === HELM_RELEASE_TYPE) {
    const name = str(props.name);
    const namespace = str(props.namespace);
    return name && namespace ? { name, namespace } : undefined;
  }
  const meta = props.metadata as Record<string, unknown> | undefined;
  const name = str(meta?.name);
  if (!name) return undefined;
  if (isClusterScoped(kind)) return { name };
  const namespace = str(meta?.namespace);
  return namespace ? { name, namespace } : undefined;
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
      return {
        props: args.props,
        opts: { ...opts, ...(a.importId ? { import: a.importId } : {}), ...(a.retainOnDelete ? { retainOnDelete: true } : {}), ...(ignoreChanges.length ? { ignoreChanges } : {}) },
      };
    },
  ];
}
