/**
 * Turns captured registrations into review files, deterministically, with
 * every secret redacted; and validates them with the schema/HCL layers.
 * Pure apart from the (async) validators. Generic over resource types:
 *
 * - `kubernetes:*` with apiVersion/kind      -> kubernetes/<namespace|_cluster>/<Kind>.<name>.yaml (schema-validated)
 * - `kubernetes:helm.sh/*` (Release, Chart)   -> helm/<name>.yaml (the inputs: chart, version, values)
 * - `vault:index/policy:Policy`               -> vault/policies/<policy name>.hcl (HCL-parsed)
 * - every Vault resource and provider together -> vault/deployer-policy.hcl, the least-privilege
 *   policy of the identity that runs `pulumi up` (policies/vault/deployer.ts), and
 *   vault/deployer-calls.yaml, each Vault API call it allows and why; vault/preview-policy.hcl and
 *   vault/drift-policy.hcl (+ -calls.yaml), the read-only CI identities' (policies/vault/ci-policies.ts)
 * - other `vault:*`                            -> vault/<Type>/<name>.yaml
 * - `pulumi:providers:*`                       -> providers/<name>.yaml
 * - any other custom resource, and components a provider implements
 *   (remote, e.g. cert-manager's CertManager)  -> other/<type>/<name>.yaml
 * - the program's own components               -> listed in resources.yaml and the graph
 */
import { stringify } from "yaml";
import type { Captured } from "./capture";
import { cmp, graphDepth, mermaid } from "./graph";
import { K8sObject, parsePolicyHcl, validateK8sObject } from "./validate";
import { buildReadOnlyPolicy, READ_ONLY_IDENTITIES } from "../../policies/vault/ci-policies";
import { buildDeployerPolicy, DeployedResource, VAULT_PROVIDER_TYPE, VaultCall } from "../../policies/vault/deployer";
import { withPreviousResources } from "./day-two";
import { RELOADER_CHART, reloadAnnotation } from "../../components/reloader/reloader";
import { estimateVaultLoad, formatLoad } from "../../policies/vault/load";
import { vaultLoadBudget } from "../../policies/guard/rules/load";

/** Pulumi's wire markers (`@pulumi/pulumi/runtime/rpc`): secrets and unknowns as the engine sees them. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SECRET_MARK = "[secret]";
export const REDACTED_MARK = "[redacted]";

function isSecret(v: unknown): v is { value: unknown } {
  return !!v && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Replaces every Pulumi secret with `[secret]` and unknowns with `[unknown]`. */
export function redact(v: unknown): unknown {
  if (isSecret(v)) return SECRET_MARK;
  if (v === UNKNOWN) return "[unknown]";
  if (Array.isArray(v)) return v.map(redact);
  if (v && typeof v === "object") {
    if (SIG_KEY in v) return `[${describeSpecial(v as Record<string, unknown>)}]`;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x)]));
  }
  return v;
}

/** The plain values (for validation only, never written). */
export function unwrapSecrets(v: unknown): unknown {
  if (isSecret(v)) return unwrapSecrets(v.value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  return v;
}

function describeSpecial(v: Record<string, unknown>): string {
  const sig = String(v[SIG_KEY]);
  if (sig === "5cf8f73096256a8f31e491e813e4eb8e") return "resource reference";
  if (sig === "c44067f5952c0a294b673a41bacd8c17" || sig === "0def7320c3a5731c473e5ecbe6d01bc7") return "asset or archive";
  return "special value";
}

/** Sorted keys at every level; for Kubernetes objects apiVersion, kind, metadata come first. */
function canonical(v: unknown, top: readonly string[] = []): unknown {
  if (Array.isArray(v)) return v.map((x) => canonical(x, top));
  if (v && typeof v === "object") {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
    const rank = (k: string) => (top.includes(k) ? top.indexOf(k) : top.length);
    keys.sort((a, b) => rank(a) - rank(b) || cmp(a, b));
    return Object.fromEntries(keys.map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  }
  return v;
}

function yaml(v: unknown, top: readonly string[] = []): string {
  return stringify(canonical(v, top), { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Keeps file names portable: letters, digits, `.`, `-`, `_`. */
function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, "_");
}

export type Kind = "kubernetes" | "helm" | "vault-policy" | "vault" | "provider" | "component" | "other";

export function classify(r: Pick<Captured, "type" | "custom" | "remote" | "inputs">): Kind {
  if (!r.custom && !r.remote) return "component";
  if (r.type.startsWith("pulumi:providers:")) return "provider";
  if (r.type.startsWith("kubernetes:helm.sh/")) return "helm";
  if (r.type.startsWith("kubernetes:") && typeof r.inputs.apiVersion === "string" && typeof r.inputs.kind === "string") return "kubernetes";
  if (r.type === "vault:index/policy:Policy") return "vault-policy";
  if (r.type.startsWith("vault:")) return "vault";
  return "other";
}

/**
 * A resource's inputs with every Pulumi secret as `[secret]`, and also every
 * top-level input named in its `additionalSecretOutputs`: Pulumi stores that
 * property as a secret, so it is never shown even if the program passed it plain.
 */
export function redactInputs(r: Pick<Captured, "inputs" | "options">): Record<string, unknown> {
  const out = redact(r.inputs) as Record<string, unknown>;
  for (const key of r.options.additionalSecretOutputs ?? []) {
    if (out[key] !== undefined) out[key] = SECRET_MARK;
  }
  return out;
}

/** Secrets' `data`/`stringData` values are replaced by `[redacted]`, whether or not they were Pulumi secrets. */
function redactK8s(r: Captured): Record<string, unknown> {
  const obj = r.inputs;
  const out = redactInputs(r);
  if (obj.kind === "Secret" && obj.apiVersion === "v1") {
    for (const field of ["data", "stringData"]) {
      // Key names stay visible (the reviewer needs them), even when the whole map was a secret.
      const v = unwrapSecrets(obj[field]);
      if (v && typeof v === "object" && !Array.isArray(v)) {
        out[field] = Object.fromEntries(Object.keys(v).map((k) => [k, REDACTED_MARK]));
      } else if (v !== undefined) out[field] = REDACTED_MARK;
    }
  }
  return out;
}

export interface Problem {
  /** The object: `<type> <name>` plus its Kubernetes identity or policy name. */
  readonly object: string;
  readonly problem: string;
}

export interface Rendered {
  /** Relative path -> file content. */
  readonly files: Map<string, string>;
  readonly problems: Problem[];
  readonly summary: string;
  readonly depth: number;
  readonly resources: number;
}

/** `vault:kubernetes/authBackendRole:AuthBackendRole` -> `kubernetes.AuthBackendRole`; `vault:index/mount:Mount` -> `Mount`. */
function vaultDir(type: string): string {
  const [, mod, kind] = /^[^:]+:([^/]+)\/[^:]+:(.+)$/.exec(type) ?? [];
  if (!kind) return safe(type);
  return safe(mod === "index" ? kind : `${mod}.${kind}`);
}

function options(r: Captured): Record<string, unknown> | undefined {
  const o = Object.fromEntries(Object.entries(r.options).filter(([, v]) => v !== undefined));
  return Object.keys(o).length ? o : undefined;
}

/**
 * Builds every file for a captured program and validates it. `problems`
 * lists each invalid object with the reason; the files are built regardless.
 */
export async function renderCaptured(
  captured: readonly Captured[],
  stack: string,
  renderOptions: { tenantStack?: boolean; previousVault?: readonly DeployedResource[] } = {},
): Promise<Rendered> {
  const files = new Map<string, string>();
  const problems: Problem[] = [];
  const sorted = [...captured].sort((a, b) => cmp(a.urn, b.urn));
  const fileOf = new Map<string, string>();
  const put = (r: Captured, file: string, content: string) => {
    if (files.has(file)) {
      problems.push({ object: `${r.type} ${r.name}`, problem: `renders to ${file}, like another resource: two resources declare the same object` });
      return;
    }
    files.set(file, content);
    fileOf.set(r.urn, file);
  };

  for (const r of sorted) {
    const kind = classify(r);
    const id = `${r.type} ${r.name}`;
    switch (kind) {
      case "kubernetes": {
        const plain = unwrapSecrets(r.inputs) as K8sObject;
        const ns = typeof plain.metadata?.namespace === "string" ? plain.metadata.namespace : "_cluster";
        const file = `kubernetes/${safe(ns)}/${safe(plain.kind)}.${safe(String(plain.metadata?.name ?? r.name))}.yaml`;
        put(r, file, yaml(redactK8s(r), ["apiVersion", "kind", "metadata"]));
        try {
          await validateK8sObject(plain);
        } catch (e) {
          problems.push({ object: id, problem: (e as Error).message });
        }
        break;
      }
      case "vault-policy": {
        const name = r.inputs.name;
        const policy = r.inputs.policy;
        if (typeof name !== "string" || typeof policy !== "string") {
          problems.push({ object: id, problem: "its name or policy text is not a known plain string (secret or unknown): the policy cannot be reviewed" });
          put(r, `vault/policies/${safe(r.name)}.yaml`, yaml({ type: r.type, name: r.name, inputs: redactInputs(r) }));
          break;
        }
        put(r, `vault/policies/${safe(name)}.hcl`, policy.endsWith("\n") ? policy : `${policy}\n`);
        try {
          await parsePolicyHcl(name, policy);
        } catch (e) {
          problems.push({ object: `${id} (policy "${name}")`, problem: `HCL does not parse: ${(e as Error).message}` });
        }
        break;
      }
      case "helm":
        put(r, `helm/${safe(r.name)}.yaml`, yaml({ type: r.type, name: r.name, inputs: redactInputs(r), options: options(r) }, ["type", "name"]));
        break;
      case "vault":
        put(r, `vault/${vaultDir(r.type)}/${safe(r.name)}.yaml`, yaml({ type: r.type, name: r.name, inputs: redactInputs(r), options: options(r) }, ["type", "name"]));
        break;
      case "provider":
        put(r, `providers/${safe(r.name)}.yaml`, yaml({ type: r.type, name: r.name, inputs: redactInputs(r) }, ["type", "name"]));
        break;
      case "other":
        put(r, `other/${safe(r.type)}/${safe(r.name)}.yaml`, yaml({ type: r.type, name: r.name, inputs: redactInputs(r), options: options(r) }, ["type", "name"]));
        break;
      case "component":
        break;
    }
  }

  // What the deploying identity needs from Vault: only for programs that talk to Vault.
  if (sorted.some((r) => r.type === VAULT_PROVIDER_TYPE || (r.custom && r.type.startsWith("vault:")))) {
    try {
      const current = sorted.filter((r) => r.custom).map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, retainOnDelete: r.options.retainOnDelete }));
      const callsYaml = (calls: readonly VaultCall[]) => yaml(calls.map(({ body: _b, params: _p, ...c }) => ({ ...c, capability: c.capability ?? "none (unauthenticated)" })), ["phase", "method", "path", "capability", "sudo"]);
      // What this change deletes stays covered until `up` has deleted it (scripts/lib/day-two.ts). A tenant stack (it
      // reads its platform's tenantContract) gets a token whose policy and role writes are pinned to the reviewed
      // bodies: docs/deployer-policy.md "Tenant stacks".
      const deployer = buildDeployerPolicy(withPreviousResources(current, renderOptions.previousVault ?? []).resources, undefined, { pinParameters: renderOptions.tenantStack === true });
      const vaultOwn = sorted.filter((r) => r.custom && (r.type === VAULT_PROVIDER_TYPE || r.type.startsWith("vault:")));
      files.set("vault/deployer-resources.json", `${JSON.stringify(vaultOwn.map((r) => ({ type: r.type, name: r.name, inputs: redactInputs(r), ...(r.options.retainOnDelete ? { retainOnDelete: true } : {}) })), null, 2)}\n`);
      files.set("vault/deployer-policy.hcl", deployer.hcl);
      files.set("vault/deployer-calls.yaml", callsYaml(deployer.calls));
      // The CI identities that change nothing: the preview (pull requests, the pre-deploy plan) and drift (docs/ci.md).
      // An unknown Vault type already failed above, once: these share the model.
      for (const identity of READ_ONLY_IDENTITIES) {
        try {
          const built = buildReadOnlyPolicy(current, identity);
          files.set(`vault/${identity}-policy.hcl`, built.hcl);
          files.set(`vault/${identity}-calls.yaml`, callsYaml(built.calls));
        } catch (e) {
          problems.push({ object: `vault/${identity}-policy.hcl`, problem: (e as Error).message });
        }
      }
    } catch (e) {
      problems.push({ object: "vault/deployer-policy.hcl", problem: (e as Error).message });
    }
  }

  // A provider-implemented component creates resources itself: it is work, like a custom resource.
  const nodes = sorted.map((r) => (r.remote ? { ...r, custom: true } : r));
  const depth = graphDepth(nodes);
  files.set("graph.mmd", mermaid(nodes));
  files.set(
    "resources.yaml",
    yaml(
      sorted.map((r) => ({
        urn: r.urn,
        type: r.type,
        parent: r.parent,
        dependsOn: r.dependencies.length ? r.dependencies : undefined,
        provider: r.provider,
        options: options(r),
        file: fileOf.get(r.urn),
      })),
      ["urn", "type", "parent"],
    ),
  );
  const summary = summarize(sorted, stack, depth.depth, depth.chain);
  files.set("summary.txt", summary);
  return { files, problems, summary, depth: depth.depth, resources: sorted.length };
}

function summarize(sorted: readonly Captured[], stack: string, depth: number, chain: readonly string[]): string {
  const perType = new Map<string, number>();
  for (const r of sorted) perType.set(r.type, (perType.get(r.type) ?? 0) + 1);
  const tenants = sorted.filter((r) => r.type === "vault-eso:index:TenantNamespace").map((r) => r.name.replace(/^tenant-/, ""));
  const width = Math.max(...[...perType.keys()].map((t) => t.length), 10);
  const shortUrn = (u: string) => u.split("::").pop();
  return [
    `stack ${stack}: ${sorted.length} resources (${sorted.filter((r) => r.custom).length} custom, ${sorted.filter((r) => !r.custom).length} components)`,
    ...[...perType.entries()].sort(([a], [b]) => cmp(a, b)).map(([t, n]) => `  ${t.padEnd(width)}  ${n}`),
    `graph depth: ${depth} (${chain.map(shortUrn).join(" -> ")})`,
    `tenants: ${tenants.length}${tenants.length ? ` (${tenants.slice(0, 20).join(", ")}${tenants.length > 20 ? ", ..." : ""})` : ""}`,
    loadLine(sorted),
    ...tenantDayTwo(sorted, tenants),
    ...adoptedLines(sorted),
    "",
  ].join("\n");
}

/** `vault-eso:adopt`: what the up imports, and the adopted Kubernetes objects it never deletes (retainOnDelete). */
function adoptedLines(sorted: readonly Captured[]): string[] {
  const imports = sorted.filter((r) => r.options.importId);
  const kept = sorted.filter((r) => r.type.startsWith("kubernetes:") && r.options.retainOnDelete);
  if (!imports.length && !kept.length) return [];
  const list = (rs: readonly Captured[], f: (r: Captured) => string) => rs.slice(0, 20).map(f).join(", ") + (rs.length > 20 ? ", ..." : "");
  return [
    ...(imports.length ? [`adopt: imports ${imports.length} (${list(imports, (r) => `${r.name} = ${r.options.importId}`)})`] : []),
    ...(kept.length ? [`adopt: never deleted by the program (retainOnDelete) ${kept.length} (${list(kept, (r) => r.name)})`] : []),
  ];
}

/**
 * The Vault load ESO is expected to make for this stack (policies/vault/load.ts), against the
 * default ceiling of the pack's `vault-load-budget` rule (the pack config can set another).
 */
function loadLine(sorted: readonly Captured[]): string {
  const e = estimateVaultLoad(sorted.map((r) => ({ type: r.type, props: unwrapSecrets(r.inputs) as Record<string, any> })));
  const ceiling = vaultLoadBudget.config!.defaults;
  return `${formatLoad(e)}; pack ceiling ${ceiling.maxLoginsPerHour} logins/h, ${ceiling.maxLookupsPerHour} lookups/h (vault-load-budget)`;
}

/**
 * Per tenant, what its team does on day two: the annotation that restarts its
 * workloads when ESO updates their Secrets (when Reloader watches the
 * namespace), and which SSO group writes its secrets. Read from the captured
 * registrations (the Reloader release's values, ExternalSecret targets, the
 * writers' identity group and alias).
 */
export function tenantDayTwo(sorted: readonly Captured[], tenants: readonly string[]): string[] {
  const release = sorted.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === RELOADER_CHART.name);
  const watched = (release ? ((unwrapSecrets(release.inputs.values) as { reloader?: { namespaces?: unknown } }).reloader?.namespaces ?? []) : []) as unknown[];
  const out: string[] = [];
  for (const t of tenants.slice(0, 20)) {
    const lines: string[] = [];
    if (watched.includes(t)) {
      const targets = sorted
        .filter((r) => r.type === "kubernetes:external-secrets.io/v1:ExternalSecret" && (r.inputs.metadata as { namespace?: string })?.namespace === t)
        .map((r) => String((r.inputs.spec as { target?: { name?: string } })?.target?.name ?? (r.inputs.metadata as { name?: string }).name));
      const a = reloadAnnotation(targets);
      lines.push(targets.length ? `  restart on change: annotate workloads with ${a.key}: "${a.value}" (or reloader.stakater.com/auto: "true")` : '  restart on change: annotate workloads with reloader.stakater.com/auto: "true"');
    }
    const group = sorted.find((r) => r.type === "vault:identity/group:Group" && Array.isArray(r.inputs.policies) && r.inputs.policies.includes(`tenant-${t}-writer`));
    if (group) {
      const alias = sorted.find((r) => r.type === "vault:identity/groupAlias:GroupAlias" && r.parent === group.parent);
      lines.push(`  writers: Vault group ${String(group.inputs.name)}${alias ? ` <- SSO group "${String(alias.inputs.name)}" on ${String(alias.inputs.mountAccessor)}` : ""}`);
    }
    if (lines.length) out.push(`tenant ${t}:`, ...lines);
  }
  return out;
}
