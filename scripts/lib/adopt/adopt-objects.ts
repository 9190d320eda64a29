/**
 * From a planned config to the finished adoption: the config is validated by
 * the program's own reader (`parseStackConfig`), the program is rendered under
 * the mock engine, every existing object it registers under the same identity
 * becomes an `adopt.kubernetes.objects` entry, and the stack is rendered again
 * with them for the preview model (scripts/lib/adopt/model.ts).
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseStackConfig } from "../../../components/config/config";
import { buildPlatform } from "../../../components/platform";
import { SECRET_KEYS } from "../../../components/config/config";
import { type AdoptedObject, managedVaultNames } from "../../../components/vault-backend/adopt-config";
import { isClusterScoped, kindOfType } from "../../../components/vault-backend/adopt-kinds";
import { kubernetesIdentity } from "../../../components/vault-backend/adopt";
import { startRecording } from "../capture";
import type { KubeObject, VaultDump } from "./dump";
import { AdoptInputError } from "./dump";
import { modelPreview, PreviewModel, Registration } from "./model";
import type { AdoptPlan } from "./plan";

/** `vault-eso:<key>` -> the JSON string Pulumi hands the program. */
export function flattenForProgram(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** Validates `config` with the program's reader; throws AdoptInputError listing the problems. */
export function checkConfig(config: Record<string, unknown>, projectDir: string, stack: string) {
  try {
    return parseStackConfig(flattenForProgram(config), {
      secretKeys: new Set(SECRET_KEYS.map((k) => `vault-eso:${k}`).filter((k) => k in config)),
      readFile: (p) => fs.readFileSync(path.resolve(projectDir, p), "utf8"),
      stack: `organization/vault-eso/${stack}`,
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new AdoptInputError(`the stack file adopt would write is refused by the program's config check:\n${e.problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n")}`);
    throw e;
  }
}

/** Every registration of the platform built from `config`, under the mock engine. */
export async function renderRegistrations(config: Record<string, unknown>, projectDir: string, stack: string): Promise<Registration[]> {
  const parsed = checkConfig(config, projectDir, stack);
  const rec = startRecording("vault-eso", stack);
  buildPlatform({ config: parsed.config, secrets: Object.fromEntries(Object.entries(parsed.secrets).map(([k, v]) => [k, pulumi.secret(v as string)])) }, `organization/vault-eso/${stack}`);
  await rec.settle();
  return rec.captured.map((c) => ({ urn: c.urn, type: c.type, name: c.name, inputs: c.inputs as Record<string, any>, dependencies: c.dependencies, options: c.options }));
}

/** The existing objects the program registers under the same kind, name and namespace: what it must import. */
export function objectsToAdopt(regs: readonly Registration[], objects: readonly KubeObject[]): AdoptedObject[] {
  const out: AdoptedObject[] = [];
  const seen = new Set<string>();
  const releases = new Set(
    objects
      .filter((o) => o.kind === "Deployment" && o.metadata.annotations?.["meta.helm.sh/release-name"])
      .map((o) => `${o.metadata.annotations!["meta.helm.sh/release-namespace"] ?? o.metadata.namespace}/${o.metadata.annotations!["meta.helm.sh/release-name"]}`),
  );
  for (const r of regs) {
    const kind = kindOfType(r.type);
    if (!kind) continue;
    const id = kubernetesIdentity(kind, r.type, r.inputs);
    if (!id) continue;
    const exists =
      kind === "HelmRelease"
        ? releases.has(`${id.namespace}/${id.name}`)
        : objects.some((o) => o.kind === kind && o.metadata.name === id.name && (isClusterScoped(kind) || (o.metadata.namespace ?? "default") === id.namespace));
    const key = `${kind} ${id.namespace ?? ""}/${id.name}`;
    if (exists && !seen.has(key)) {
      seen.add(key);
      out.push({ kind, name: id.name, ...(id.namespace ? { namespace: id.namespace } : {}) });
    }
  }
  return out;
}

export interface FinishedAdoption {
  readonly config: Record<string, unknown>;
  readonly objects: readonly AdoptedObject[];
  readonly model: PreviewModel;
  /** The registrations of the first up (imports) and of the second (`imported: true`). */
  readonly registrations: { readonly first: readonly Registration[]; readonly second: readonly Registration[] };
}

/** Adds the objects to import to `plan.config`, renders both ups and models the preview. */
export async function finishAdoption(plan: AdoptPlan, objects: readonly KubeObject[], vault: VaultDump, projectDir: string, stack: string): Promise<FinishedAdoption> {
  const withAdopt = (list: readonly AdoptedObject[], imported: boolean) => {
    const adopt = plan.config["vault-eso:adopt"] as Record<string, unknown>;
    return { ...plan.config, "vault-eso:adopt": { ...adopt, kubernetes: { imported, objects: list } } };
  };
  // Existing Vault policies and roles the stack writes are adopted too (imported as they are in the first up).
  const parsed = checkConfig(plan.config, projectDir, stack).config;
  const names = managedVaultNames({ ...parsed, auditDevicePaths: [] });
  const adopt0 = plan.config["vault-eso:adopt"] as Record<string, unknown>;
  const base = {
    ...plan.config,
    "vault-eso:adopt": {
      ...adopt0,
      policies: names.policies.filter((p) => vault.policies[p] !== undefined),
      roles: names.roles.filter((r) => vault.roles[parsed.kubernetesAuth.path]?.[r] !== undefined),
    },
  };
  plan = { ...plan, config: base };
  const bare = await renderRegistrations(plan.config, projectDir, stack);
  const list = objectsToAdopt(bare, objects);
  const config = withAdopt(list, false);
  const firstUp = await renderRegistrations(config, projectDir, stack);
  const secondUp = await renderRegistrations(withAdopt(list, true), projectDir, stack);
  return { config, objects: list, model: modelPreview(firstUp, objects, vault, secondUp), registrations: { first: firstUp, second: secondUp } };
}
