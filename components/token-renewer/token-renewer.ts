import * as k8s from "@pulumi/kubernetes";
import { VAULT_CREDENTIAL_LABEL, VAULT_TOKEN_CREDENTIAL } from "./credentials";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { renderPolicyHcl } from "../../policies/vault/hcl";
import { MANAGED_BY_LABELS, RESTRICTED_POD_SECURITY } from "../config/options";
import type { ContainerResources } from "../eso/eso-install";
import { DEFAULT_RENEWER_IMAGE, imageProblem, timingProblems } from "./token-auth-config";
import {
  bootstrapEnv,
  bootstrapLifetimeSeconds,
  bootstrapSecretName,
  renewerCronJobSpec,
  renewerEnv,
  renewerJobSpec,
  renewerRbacRules,
  renewerScript,
  SCRIPT_KEY,
  TOKEN_SECRET_OPTIONS,
  tokenRenewerPolicy,
  VAULT_CA_KEY,
  vaultDuration,
  BOOTSTRAP_ACCESSOR_ANNOTATION,
  RENEWER_CRONJOB_NAME,
  bootstrapLifecycleNames,
  TOKEN_RENEWER_TYPE,
} from "./renewer-builders";
import { InputError } from "../config/errors";
import { deferredProblems, refuse } from "../config/component-inputs";

export interface TokenRenewerArgs {
  /** Policies the token carries for its real work (the ESO read policy). They and the renewer policy are all it gets. */
  readonly readPolicies: pulumi.Input<string>[];
  /** Vault URL as the renewer pod reaches it (same as ESO's). */
  readonly vaultAddress: string;
  /** PEM CA bundle for Vault's certificate; shipped in the script ConfigMap. Default: the image's system roots. */
  readonly vaultCaPem?: string;
  /** Vault Enterprise namespace. Default: none. */
  readonly vaultNamespace?: string;
  /** Credentials namespace (created, Pod Security "restricted"). Default `external-secrets-credentials`. */
  readonly namespace?: string;
  /** Secret holding the token. Default `vault-token`. */
  readonly secretName?: string;
  /** Key of the token in the Secret. Default `token`. */
  readonly secretKey?: string;
  /** Vault token role every token is created through. Default `external-secrets-token`. */
  readonly role?: string;
  /** Name of the renewer's own Vault policy. Default `external-secrets-token-renewer`. */
  readonly policy?: string;
  /** Token period in seconds (each renewal extends the token by this much). Default 7 days. */
  readonly periodSeconds?: number;
  /** Explicit max TTL of every token, in seconds. Default 30 days. */
  readonly explicitMaxTtlSeconds?: number;
  /** Rotate when less than this many seconds are left before the explicit max TTL. Default 7 days. */
  readonly rotateBeforeSeconds?: number;
  /** CronJob schedule (UTC). Default `0 *\/12 * * *`. Checked with the period and threshold (see token-auth-config.ts). */
  readonly schedule?: string;
  /** Renewer image, pinned. Default `node:24.11.1-alpine3.22`. */
  readonly image?: string;
  /** Renewer pod resources (`requests.cpu` required). Default requests 10m/64Mi, limit 128Mi memory. */
  readonly resources?: ContainerResources;
}

/** Where the renewed token lives: the Secret the ClusterSecretStore's `auth.tokenSecretRef` names. */
export interface RenewerSecretRef {
  /** The Secret's name (`secretName`, default `vault-token`). */
  readonly name: pulumi.Output<string>;
  /** The token's key in the Secret (`secretKey`, default `token`). */
  readonly key: string;
  /** The credentials namespace (`namespace`, default `external-secrets-credentials`). */
  readonly namespace: pulumi.Output<string>;
}

/**
 * Seed 000's token auth, made to survive its own expiry. A Vault token role
 * (orphan, renewable, periodic, explicit max TTL) and the initial token
 * issued through it; the token in a Secret in a dedicated namespace; and a
 * CronJob whose script renews the token on every run and, near the explicit
 * max TTL, creates a successor through the role, stores it, verifies it, and
 * only then revokes the old one. Use `secretRef` as the ClusterSecretStore's
 * `auth.tokenSecretRef`.
 */
export class TokenRenewer extends pulumi.ComponentResource {
  /** Where the token lives: pass to `ClusterStoreAuth` kind "token". */
  public readonly secretRef: RenewerSecretRef;
  /** The Vault token role every token is created through (`role`). */
  public readonly roleName: pulumi.Output<string>;
  /** The renewer's own Vault policy (`policy`). */
  public readonly policyName: pulumi.Output<string>;
  /** The HCL of the renewer policy. */
  public readonly policyHcl: string;
  /**
   * The bootstrap token Pulumi mints (a Pulumi secret): short-lived, and
   * consumed and revoked by the bootstrap Job during the same `pulumi up`.
   */
  public readonly initialToken: pulumi.Output<string>;
  /** The renewer CronJob's name (`vault-token-renewer`). */
  public readonly cronJobName: pulumi.Output<string>;

  constructor(name: string, args: TokenRenewerArgs, opts?: pulumi.ComponentResourceOptions) {
    // Which resources exist follows from these args: an Output outside the Input fields is refused, never stringified.
    refuse("TokenRenewer", name, deferredProblems(args, ["readPolicies[]"]));
    const namespace = args.namespace ?? "external-secrets-credentials";
    const secretName = args.secretName ?? "vault-token";
    const secretKey = args.secretKey ?? "token";
    const roleName = args.role ?? "external-secrets-token";
    const period = args.periodSeconds ?? 7 * 86400;
    const explicitMax = args.explicitMaxTtlSeconds ?? 30 * 86400;
    const rotateBefore = args.rotateBeforeSeconds ?? 7 * 86400;
    const schedule = args.schedule ?? "0 */12 * * *";
    const image = args.image ?? DEFAULT_RENEWER_IMAGE;
    const problems = timingProblems({ periodSeconds: period, explicitMaxTtlSeconds: explicitMax, rotateBeforeSeconds: rotateBefore, schedule }).map((p) => `${p.key}: ${p.message}`);
    const ip = imageProblem(image);
    if (ip) problems.push(`image: the renewer image ${ip}`);
    if (args.resources && args.resources.requests.cpu === undefined) {
      problems.push(`resources.requests.cpu: missing. Fix: set a quantity such as "10m"`);
    }
    if (problems.length > 0) throw new InputError(`TokenRenewer ${name}: ${problems.join("; ")}`);
    super(TOKEN_RENEWER_TYPE, name, {}, opts);
    const lifecycle = bootstrapLifecycleNames(name);
    const labels = { ...MANAGED_BY_LABELS, "app.kubernetes.io/component": "vault-token-renewer" };

    // ---------------------------------------------------------------- Vault
    const policyModel = tokenRenewerPolicy(args.policy ?? "external-secrets-token-renewer", roleName);
    this.policyHcl = renderPolicyHcl(policyModel);
    const policy = new vault.Policy(`${name}-policy`, { name: policyModel.name, policy: this.policyHcl }, { parent: this });
    const policies = pulumi.all([...args.readPolicies, policy.name]);

    const role = new vault.tokenauth.AuthBackendRole(
      `${name}-role`,
      {
        roleName,
        allowedPolicies: policies,
        // Tokens carry exactly the allowed policies: not Vault's "default" policy.
        disallowedPolicies: ["default"],
        tokenNoDefaultPolicy: true,
        // Orphans: revoking the old token (or whoever created a token) must never take its successor with it.
        orphan: true,
        renewable: true,
        tokenPeriod: period,
        tokenExplicitMaxTtl: explicitMax,
      },
      { parent: this },
    );

    // The bootstrap token. Through the role, so the role decides orphan, period (its token_period) and the
    // policies; no `period` in the request: Vault's handleCreateCommon refuses a period without sudo, role or
    // not. Its explicit max TTL is short (Vault takes the lesser of this and the role's): only tokens the
    // renewer mints get the role's full lifetime. retainOnDelete: the bootstrap Job revokes it during `up`,
    // so destroy or a replacement must not ask Vault to revoke it again (see docs/token-auth.md).
    const bootstrapSeconds = bootstrapLifetimeSeconds(schedule);
    const token = new vault.Token(
      lifecycle.token.name,
      {
        roleName: role.roleName,
        policies,
        noDefaultPolicy: true,
        renewable: true,
        explicitMaxTtl: vaultDuration(bootstrapSeconds),
        displayName: "eso-bootstrap",
        metadata: { "created-by": "vault-eso" },
      },
      { parent: this, additionalSecretOutputs: ["clientToken", "wrappedToken"], retainOnDelete: true },
    );
    this.initialToken = pulumi.secret(token.clientToken);

    // ---------------------------------------------------------------- Kubernetes
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: namespace, labels: { ...labels, ...RESTRICTED_POD_SECURITY } } },
      { parent: this },
    );
    // Objects in the namespace name it as a literal (adoption matches them by it: vault-backend/adopt.ts) and wait for it.
    const inNamespace = { parent: this, dependsOn: [ns] };
    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: {
          name: secretName,
          namespace,
          // Marks the Secret as a Vault credential: the policy pack keeps such Secrets in the credentials namespace.
          labels: { ...labels, [VAULT_CREDENTIAL_LABEL]: VAULT_TOKEN_CREDENTIAL },
          annotations: { "vault-eso.io/owner": "The token is renewed and rotated by the vault-token-renewer CronJob; pulumi up does not write it back." },
        },
        type: "Opaque",
        data: { [secretKey]: this.initialToken.apply((t) => Buffer.from(t, "utf8").toString("base64")) },
      },
      { ...inNamespace, ignoreChanges: [...TOKEN_SECRET_OPTIONS.ignoreChanges], additionalSecretOutputs: [...TOKEN_SECRET_OPTIONS.additionalSecretOutputs] },
    );

    // The bootstrap Secret: the token Pulumi minted, for the bootstrap Job. Only Pulumi writes it (so after a
    // refresh drops a revoked token and `up` mints a new one, the new one lands here, and the Job consumes it).
    const bootstrapName = bootstrapSecretName(secretName);
    const bootstrapSecret = new k8s.core.v1.Secret(
      lifecycle.bootstrapSecret.name,
      {
        metadata: {
          name: bootstrapName,
          namespace,
          labels: { ...labels, [VAULT_CREDENTIAL_LABEL]: VAULT_TOKEN_CREDENTIAL },
          annotations: { "vault-eso.io/owner": "Written by pulumi up; read once by the vault-token-renewer bootstrap Job, which then revokes the token." },
        },
        type: "Opaque",
        data: { [secretKey]: this.initialToken.apply((t) => Buffer.from(t, "utf8").toString("base64")) },
      },
      { ...inNamespace, additionalSecretOutputs: ["data", "stringData"] },
    );

    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      { metadata: { name: "vault-token-renewer", namespace, labels }, automountServiceAccountToken: false },
      inNamespace,
    );
    const rbacRole = new k8s.rbac.v1.Role(
      `${name}-rbac`,
      {
        metadata: { name: "vault-token-renewer", namespace, labels },
        rules: renewerRbacRules(secretName, bootstrapName).map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], resourceNames: [...(r.resourceNames ?? [])], verbs: [...r.verbs] })),
      },
      inNamespace,
    );
    const rbacBinding = new k8s.rbac.v1.RoleBinding(
      `${name}-rbac-binding`,
      {
        metadata: { name: "vault-token-renewer", namespace, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: rbacRole.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace }],
      },
      inNamespace,
    );

    const scriptData: Record<string, string> = { [SCRIPT_KEY]: renewerScript() };
    if (args.vaultCaPem) scriptData[VAULT_CA_KEY] = args.vaultCaPem;
    const script = new k8s.core.v1.ConfigMap(
      `${name}-script`,
      { metadata: { name: "vault-token-renewer", namespace, labels }, data: scriptData },
      inNamespace,
    );

    const jobArgs = pulumi.all([policies, role.roleName, sa.metadata.name, script.metadata.name]).apply(([policyNames, r, saName, cmName]) => ({
      image,
      serviceAccountName: saName,
      configMapName: cmName,
      resources: args.resources
        ? { requests: { cpu: args.resources.requests.cpu!, memory: args.resources.requests.memory }, limits: { cpu: args.resources.limits.cpu, memory: args.resources.limits.memory } }
        : { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } },
      env: renewerEnv({
        vaultAddress: args.vaultAddress,
        vaultCaPem: args.vaultCaPem,
        vaultNamespace: args.vaultNamespace,
        role: r,
        policies: policyNames,
        periodSeconds: period,
        rotateBeforeSeconds: rotateBefore,
        explicitMaxTtlSeconds: explicitMax,
        namespace,
        secretName,
        secretKey,
      }),
    }));
    const spec = jobArgs.apply((a) => renewerCronJobSpec({ ...a, schedule }));
    const cronJob = new k8s.batch.v1.CronJob(
      `${name}-cronjob`,
      { metadata: { name: RENEWER_CRONJOB_NAME, namespace, labels }, spec },
      // The first run must find the Secret and the permission to update it.
      { parent: this, dependsOn: [ns, secret, rbacRole, rbacBinding] },
    );

    // The bootstrap Job: one renewer run during `pulumi up`, each time Pulumi mints a token (its accessor is a
    // pod annotation, so a new token replaces the Job). It rotates the bootstrap token away on the first
    // deployment, and otherwise revokes it (or, if the Secret's token is dead, uses it once to mint a successor).
    // Pulumi waits for the Job to complete: a broken bootstrap fails `up` instead of a silent, unsynced store.
    new k8s.batch.v1.Job(
      lifecycle.bootstrapJob.name,
      {
        metadata: { name: "vault-token-bootstrap", namespace, labels: { ...labels, "vault-eso.io/run": "bootstrap" } },
        spec: pulumi.all([jobArgs, token.id]).apply(([a, accessor]) =>
          renewerJobSpec({ ...a, env: bootstrapEnv(a.env, bootstrapName), podAnnotations: { [BOOTSTRAP_ACCESSOR_ANNOTATION]: accessor } }),
        ),
      },
      // A fixed name: the old Job goes before its replacement comes.
      { parent: this, dependsOn: [ns, secret, bootstrapSecret, rbacRole, rbacBinding], deleteBeforeReplace: true },
    );

    this.secretRef = { name: secret.metadata.name, key: secretKey, namespace: secret.metadata.namespace };
    this.roleName = role.roleName;
    this.policyName = policy.name;
    this.cronJobName = cronJob.metadata.name;
    this.registerOutputs({
      secretName: this.secretRef.name,
      secretNamespace: this.secretRef.namespace,
      roleName: this.roleName,
      policyName: this.policyName,
      cronJobName: this.cronJobName,
    });
  }
}
