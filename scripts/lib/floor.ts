/**
 * The benchmark's floor: the program's registrations (type, name, inputs) made
 * again with no components, parents, options, dependencies or applies.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";

export interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** A custom resource of any type token, with no options: the cheapest registration the SDK can make. */
class Bare extends pulumi.CustomResource {
  constructor(type: string, name: string, inputs: pulumi.Inputs) {
    super(type, name, inputs);
  }
}

type Typed = (name: string, inputs: pulumi.Inputs) => pulumi.Resource;

/** The typed class the program uses for each custom resource type it registers (by type token). */
const TYPED: Record<string, Typed> = {
  "kubernetes:core/v1:Namespace": (n, i) => new k8s.core.v1.Namespace(n, i),
  "kubernetes:core/v1:ServiceAccount": (n, i) => new k8s.core.v1.ServiceAccount(n, i),
  "kubernetes:core/v1:ConfigMap": (n, i) => new k8s.core.v1.ConfigMap(n, i),
  "kubernetes:core/v1:Secret": (n, i) => new k8s.core.v1.Secret(n, i),
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": (n, i) => new k8s.rbac.v1.ClusterRole(n, i),
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": (n, i) => new k8s.rbac.v1.ClusterRoleBinding(n, i as k8s.rbac.v1.ClusterRoleBindingArgs),
  "kubernetes:rbac.authorization.k8s.io/v1:Role": (n, i) => new k8s.rbac.v1.Role(n, i),
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": (n, i) => new k8s.rbac.v1.RoleBinding(n, i as k8s.rbac.v1.RoleBindingArgs),
  "kubernetes:helm.sh/v3:Release": (n, i) => new k8s.helm.v3.Release(n, i as k8s.helm.v3.ReleaseArgs),
  "vault:index/policy:Policy": (n, i) => new vault.Policy(n, i as vault.PolicyArgs),
  "vault:index/mount:Mount": (n, i) => new vault.Mount(n, i as vault.MountArgs),
  "vault:index/authBackend:AuthBackend": (n, i) => new vault.AuthBackend(n, i as vault.AuthBackendArgs),
  "vault:kubernetes/authBackendConfig:AuthBackendConfig": (n, i) => new vault.kubernetes.AuthBackendConfig(n, i as vault.kubernetes.AuthBackendConfigArgs),
  "vault:kubernetes/authBackendRole:AuthBackendRole": (n, i) => new vault.kubernetes.AuthBackendRole(n, i as vault.kubernetes.AuthBackendRoleArgs),
};

function typedOrBare(r: Registration): pulumi.Resource {
  const typed = TYPED[r.type];
  if (typed) return typed(r.name, r.inputs);
  // Custom resources of CRDs (ESO's stores, ExternalSecrets, ...): the program uses apiextensions.CustomResource.
  if (r.type.startsWith("kubernetes:") && r.inputs.apiVersion && r.inputs.kind) {
    return new k8s.apiextensions.CustomResource(r.name, r.inputs as k8s.apiextensions.CustomResourceArgs);
  }
  return new Bare(r.type, r.name, r.inputs);
}

/** Registers every registration: typed (the program's SDK classes) or all bare. */
export function registerFloor(registrations: readonly Registration[], typed: boolean): void {
  if (typed) for (const r of registrations) typedOrBare(r);
  else for (const r of registrations) new Bare(r.type, r.name, r.inputs);
}

let pending: { registrations: readonly Registration[]; typed: boolean } | undefined;

/** What scripts/floor-program.ts registers when it is loaded. */
export function setFloor(registrations: readonly Registration[], typed: boolean): void {
  pending = { registrations, typed };
}

/** Registers what `setFloor` set (once). */
export function registerPendingFloor(): void {
  if (!pending) throw new Error("floor-program: setFloor was not called before loading it");
  const { registrations, typed } = pending;
  pending = undefined;
  registerFloor(registrations, typed);
}
