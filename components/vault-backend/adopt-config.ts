/**
 * Config section `vault-eso:adopt`: take over Vault objects that already
 * exist (a `vault server -dev`'s `secret/`, or a setup made by hand from the
 * tutorials this project replaces) with Pulumi's `import` resource option,
 * instead of creating them. Pure: the zod schema, the cross-checks, and the
 * list of Vault objects the program manages (so that every name given here
 * is one the program really registers).
 *
 * Why only some objects need it (docs/adopting.md): Vault refuses to create
 * a mount, an auth method or an audit device where one exists ("path is
 * already in use"), while writing a policy or a role over an existing one is
 * an upsert. Importing a policy or role is the strict variant: the update
 * stops unless the program's inputs equal what Vault holds.
 */
import { z } from "zod";
import { dnsLabel, dnsSubdomain, vaultName } from "../config/schema-helpers";
import { ADOPTABLE_KINDS, CLUSTER_SCOPED_KINDS } from "./adopt-kinds";
import { tenantPushPolicyName } from "../tenants/push-config";
import { tenantWriterPolicyName } from "../tenants/writers-config";
import { tenantVaultName } from "../tenants/tenant";

/** One existing Kubernetes object (or the ESO Helm release) the program takes over. */
export const adoptedObjectSchema = z
  .strictObject({
    kind: z.enum(ADOPTABLE_KINDS).describe("The kind, as `kubectl get -o yaml` prints it (`HelmRelease`: a Helm release, e.g. ESO's)."),
    name: dnsSubdomain("an adopted object name").describe("`metadata.name` (the release name for a HelmRelease)."),
    namespace: dnsLabel("an adopted object namespace").optional().describe("`metadata.namespace`; required for namespaced kinds, refused for cluster-scoped ones."),
  })
  .superRefine((o, ctx) => {
    const cluster = (CLUSTER_SCOPED_KINDS as readonly string[]).includes(o.kind);
    if (cluster && o.namespace !== undefined) ctx.addIssue({ code: "custom", path: ["namespace"], message: `a ${o.kind} is cluster-scoped: its import ID is its name alone. Fix: remove namespace "${o.namespace}"` });
    if (!cluster && o.namespace === undefined) ctx.addIssue({ code: "custom", path: ["namespace"], message: `a ${o.kind} is namespaced: its import ID is <namespace>/<name>. Fix: add the namespace of ${o.kind} "${o.name}"` });
  });

export type AdoptedObject = z.infer<typeof adoptedObjectSchema>;

const kubernetesAdoptSchema = z
  .strictObject({
    objects: z.array(adoptedObjectSchema).default([]).describe("Kubernetes objects that exist already (namespaces, the ESO Helm release, stores, service accounts, RBAC, ExternalSecrets, PushSecrets, the token Secret, the renewer's objects). Each is imported, and is never deleted by the program (`retainOnDelete`), even after it leaves the config. Keep the list: it is the record of what the program did not create. `npm run adopt` writes it."),
    imported: z.boolean().default(false).describe("`false` (first `up`): import each object and change nothing in it (every input is taken from the cluster). Set `true` once that `up` succeeded: the next preview shows the in-place updates the program makes to them. See docs/migrating.md."),
  })
  .describe("Existing Kubernetes objects to import and keep (docs/migrating.md).");

export const adoptSchema = z
  .strictObject({
    kvMount: z.boolean().default(false).describe("Import the existing KV v2 mount at `kv.path` (e.g. `vault server -dev`'s `secret/`) instead of creating it. Needs `kv.description`."),
    kubernetesAuthMount: z.boolean().default(false).describe("Import the existing Kubernetes auth method at `kubernetesAuth.path`. Needs `kubernetesAuth.description`."),
    policies: z.array(vaultName("an adopted policy name")).default([]).describe("Vault policies the stack manages, to import instead of overwrite."),
    roles: z.array(vaultName("an adopted role name")).default([]).describe("Kubernetes auth roles (at `kubernetesAuth.path`) the stack manages, to import."),
    auditDevices: z.array(vaultName("an adopted audit device path")).default([]).describe("Mount paths of devices in `audit.devices` to import; each needs its `description`."),
    kubernetes: kubernetesAdoptSchema.prefault({}),
  })
  .describe("Existing Vault objects to import instead of create (a hand-made setup); remove after the first successful `up`. See docs/adopting.md.");

export type AdoptConfig = z.infer<typeof adoptSchema>;

/** What the program registers in Vault under names the config decides (see `managedVaultNames`). */
export interface ManagedVaultNames {
  readonly policies: readonly string[];
  readonly roles: readonly string[];
  readonly auditDevices: readonly string[];
}

/** The parts of the (raw, validated) config that name Vault objects. */
export interface NamingConfig {
  readonly eso: { readonly policy: string; readonly role: string };
  readonly tenancy: { readonly policy: "perTenant" | "templated" };
  readonly tenants: ReadonlyArray<{ readonly name: string; readonly push?: unknown; readonly writers?: unknown }>;
  readonly tokenAuth: { readonly enabled: boolean; readonly policy: string };
  readonly observability: { readonly vaultMetrics: { readonly enabled: boolean; readonly policy: string; readonly role: string } };
  readonly auditDevicePaths: readonly string[];
}

/** The fixed name of the one identity-templated tenant policy (`tenancy.policy: templated`). */
export const TEMPLATED_TENANT_POLICY = "vault-eso-tenants";

/** Every policy, Kubernetes auth role and audit device path this configuration makes the program write. */
export function managedVaultNames(c: NamingConfig): ManagedVaultNames {
  const policies = [c.eso.policy];
  const roles = [c.eso.role];
  if (c.tenancy.policy === "templated" && c.tenants.length > 0) policies.push(TEMPLATED_TENANT_POLICY);
  for (const t of c.tenants) {
    if (c.tenancy.policy === "perTenant") policies.push(tenantVaultName(t.name));
    if (t.push) policies.push(tenantPushPolicyName(t.name));
    if (t.writers) policies.push(tenantWriterPolicyName(t.name));
    roles.push(tenantVaultName(t.name));
  }
  if (c.tokenAuth.enabled) policies.push(c.tokenAuth.policy);
  if (c.observability.vaultMetrics.enabled) {
    policies.push(c.observability.vaultMetrics.policy);
    roles.push(c.observability.vaultMetrics.role);
  }
  return { policies, roles, auditDevices: [...c.auditDevicePaths] };
}

export interface AdoptCheckContext {
  readonly names: ManagedVaultNames;
  /** Whether `kv.description` / `kubernetesAuth.description` were given explicitly. */
  readonly kvDescriptionSet: boolean;
  readonly authDescriptionSet: boolean;
  /** Audit device paths whose `description` was given explicitly. */
  readonly auditDescriptionsSet: ReadonlySet<string>;
  readonly kvPath: string;
  readonly authPath: string;
}

export function checkAdopt(a: AdoptConfig, ctx: AdoptCheckContext, issue: (path: (string | number)[], message: string) => void): void {
  // terraform-provider-vault readMount/authBackendRead read the description back, and it is an Optional
  // (not Computed) attribute: unless the program sends exactly the existing text, the import stops with
  // "inputs to import do not match the existing resource".
  if (a.kvMount && !ctx.kvDescriptionSet) {
    issue(["adopt", "kvMount"], `importing the mount at "${ctx.kvPath}/" only succeeds when the program sends the description the mount already has. Fix: set vault-eso:kv.description to what \`vault secrets list -format=json | jq -r '."${ctx.kvPath}/".description'\` prints ("key/value secret storage" on a \`vault server -dev\`, "" for a mount made without -description)`);
  }
  if (a.kubernetesAuthMount && !ctx.authDescriptionSet) {
    issue(["adopt", "kubernetesAuthMount"], `importing the auth method at "${ctx.authPath}/" only succeeds when the program sends the description it already has. Fix: set vault-eso:kubernetesAuth.description to what \`vault auth list -format=json | jq -r '."${ctx.authPath}/".description'\` prints ("" when it was enabled without -description)`);
  }
  const known = (list: readonly string[], key: "policies" | "roles" | "auditDevices", what: string) => {
    const seen = new Set<string>();
    list.forEach((name, i) => {
      if (seen.has(name)) issue(["adopt", key, i], `"${name}" is listed twice. Fix: remove the duplicate`);
      seen.add(name);
      if (!ctx.names[key].includes(name)) {
        issue(["adopt", key, i], `"${name}" is not a ${what} this stack manages, so nothing would be imported. Fix: use one of: ${ctx.names[key].join(", ") || "(none)"}`);
      }
    });
  };
  const seenObjects = new Set<string>();
  a.kubernetes.objects.forEach((o, i) => {
    const id = `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
    if (seenObjects.has(id)) issue(["adopt", "kubernetes", "objects", i], `${id} is listed twice. Fix: remove the duplicate`);
    seenObjects.add(id);
  });
  known(a.policies, "policies", "Vault policy");
  known(a.roles, "roles", "Kubernetes auth role");
  known(a.auditDevices, "auditDevices", "audit device path");
  a.auditDevices.forEach((p, i) => {
    if (ctx.names.auditDevices.includes(p) && !ctx.auditDescriptionsSet.has(p)) {
      issue(["adopt", "auditDevices", i], `importing the audit device "${p}/" only succeeds when the program sends its existing description (a ForceNew attribute). Fix: set description on that audit.devices entry to what \`vault audit list -format=json | jq -r '."${p}/".description'\` prints ("" when it was enabled without -description)`);
    }
  });
}
