/**
 * Config `vault-eso:tenants[].push`: a tenant allowed to write into its own
 * Vault subtree with PushSecrets (`external-secrets.io/v1alpha1`). Pure.
 *
 * Push is a per-tenant grant: the tenant's role gets one extra policy,
 * `tenant-<name>-push`, with `create`/`read`/`update` (and `delete` when
 * allowed) on `data/` and `metadata/` of its own subtree. That policy is
 * per tenant in both policy modes: a templated policy is the same for every
 * tenant, so it cannot grant write to some tenants only.
 */
import { z } from "zod";
import { checked, dnsSubdomain } from "../config/schema-helpers";
import { subtreeProblem } from "../../policies/vault/paths";
import { secretDataKeyProblem } from "../config/names";

const GO_DURATION = /^(0|(\d+(ms|s|m|h))+)$/;

const remoteKey = checked((v) => {
  const p = subtreeProblem(v);
  return p ? `remoteKey ${p}. Fix: give the path relative to the tenant's subtree, e.g. "db/generated"` : undefined;
}).meta({ typeName: "relative path" });

const pushSecret = z.strictObject({
  name: dnsSubdomain("the PushSecret name").describe("The PushSecret's name, unique in the tenant."),
  secretName: dnsSubdomain("the source Secret name").describe("The Kubernetes Secret (in the tenant's namespace) whose keys are pushed."),
  refreshInterval: z
    .string()
    .regex(GO_DURATION, { error: 'refreshInterval must be a Go duration like "1h" or "10m". Fix: e.g. "1h"' })
    .meta({ typeName: "Go duration" })
    .default("1h")
    .describe("How often ESO pushes again."),
  updatePolicy: z.enum(["Replace", "IfNotExists"]).default("Replace").describe("`Replace`: overwrite what is in Vault; `IfNotExists`: write once, never overwrite."),
  deletionPolicy: z
    .enum(["Delete", "None"])
    .default("None")
    .describe("`Delete`: remove the Vault secret when the PushSecret (or an entry) goes (needs `push.allowDelete`); `None`: leave it."),
  data: z
    .array(
      z.strictObject({
        secretKey: checked((v) => {
          const p = secretDataKeyProblem(v);
          return p ? `secretKey ${p}. Fix: use the key exactly as the source Secret has it` : undefined;
        }).describe("Key of the source Secret (a valid Secret key: letters, digits, `-`, `_`, `.`)."),
        remoteKey: remoteKey.describe("Vault path, relative to the tenant's subtree; no two PushSecrets may write the same key and property."),
        property: z.string().min(1).optional().meta({ description: "Property inside the Vault secret.", defaultText: "the Secret key's name" }),
      }),
    )
    .min(1, { error: "a PushSecret needs at least one data entry. Fix: list { secretKey, remoteKey }" })
    .describe("What to push, one entry per key."),
});

export const pushSchema = z.strictObject({
  allowDelete: z.boolean().default(false).describe("Also grant `delete` on the subtree (needed by `deletionPolicy: Delete`)."),
  secrets: z.array(pushSecret).default([]).describe("The tenant's PushSecrets (`external-secrets.io/v1alpha1`)."),
});

export type PushConfig = z.infer<typeof pushSchema>;
export type PushSecretConfig = PushConfig["secrets"][number];

/** The name of a push tenant's extra Vault policy. */
/** Suffix of a tenant's push policy name (`tenant-<name>-push`). */
export const PUSH_POLICY_SUFFIX = "-push";

export function tenantPushPolicyName(tenant: string): string {
  return `tenant-${tenant}${PUSH_POLICY_SUFFIX}`;
}

export function checkPush(
  tenants: ReadonlyArray<{ readonly name: string; readonly push?: PushConfig }>,
  mode: "isolated" | "shared",
  issue: (path: (string | number)[], message: string) => void,
): void {
  // A push policy named like another tenant's policy: vault-objects.ts vaultObjectClashes (config.ts).
  tenants.forEach((t, i) => {
    if (!t.push) return;
    if (mode === "shared") {
      issue(["tenants", i, "push"], 'push needs tenancy.mode "isolated": in shared mode every tenant uses the ClusterSecretStore, so ESO\'s one identity would write into Vault for every namespace. Fix: set tenancy.mode: isolated, or remove push');
    }
    const psNames = new Set<string>();
    const targets = new Map<string, string>();
    t.push.secrets.forEach((ps, j) => {
      if (psNames.has(ps.name)) issue(["tenants", i, "push", "secrets", j, "name"], "duplicates another PushSecret of this tenant. Fix: rename it");
      psNames.add(ps.name);
      if (ps.deletionPolicy === "Delete" && !t.push!.allowDelete) {
        issue(["tenants", i, "push", "secrets", j, "deletionPolicy"], "Delete needs the delete capability in Vault. Fix: set tenants[].push.allowDelete: true, or use deletionPolicy: None");
      }
      ps.data.forEach((d, k) => {
        // Two PushSecrets writing one Vault key (and property) would overwrite each other on every refresh.
        const target = `${d.remoteKey}#${d.property ?? ""}`;
        const other = targets.get(target);
        if (other !== undefined && other !== ps.name) {
          issue(["tenants", i, "push", "secrets", j, "data", k, "remoteKey"], `"${d.remoteKey}" is also written by PushSecret "${other}": they would overwrite each other. Fix: give each its own remoteKey or property`);
        }
        targets.set(target, ps.name);
      });
    });
  });
}

/**
 * PushSecrets with `deletionPolicy: Delete`: when one goes (removed from the config, or with its tenant at
 * offboarding) while its store and push policy still exist, ESO deletes the Vault secret's data and metadata
 * for good (external-secrets providers/v1/vault/client_push.go `DeleteSecret`: every version, no undelete).
 */
export function pushDeletionWarnings(tenants: ReadonlyArray<{ readonly name: string; readonly push?: { readonly secrets: ReadonlyArray<{ readonly name: string; readonly deletionPolicy?: string }> } }>): string[] {
  const out: string[] = [];
  tenants.forEach((t, i) =>
    (t.push?.secrets ?? []).forEach((ps, j) => {
      if (ps.deletionPolicy !== "Delete") return;
      out.push(
        `tenants[${i}].push.secrets[${j}] (${t.name}/${ps.name}) has deletionPolicy: Delete: when this PushSecret goes, including when tenant ${t.name} is removed, ESO deletes the pushed secret in Vault with all its versions (external-secrets client_push.go DeleteSecret). Before removing it or the tenant, set deletionPolicy: None and run \`pulumi up\` (docs/operations.md#offboarding)`,
      );
    }),
  );
  return out;
}
