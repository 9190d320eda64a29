/**
 * `npm run verify -- <stack> [--outputs FILE|-] [--context NAME] [--kube-api URL] [--vault-addr URL] [--since TIME] [--deep] [--no-logins] [--expect-empty TENANT,...]`
 *
 * Proves a deployed stack against the cluster and Vault themselves (see
 * scripts/lib/verify/run.ts for the checks, docs/verify.md for usage):
 *
 *   pulumi stack output --json -s dev | npm run verify -- dev
 *
 * <stack> is `dev`, `prod` (Pulumi.<stack>.yaml) or a path to a stack file:
 * the config the predictions are made from. The outputs come from stdin or
 * --outputs (no Pulumi CLI needed here). Kubernetes: the stack's
 * `kubernetes:context` from your kubeconfig (or --context, or --kube-api for
 * `kubectl proxy`). Vault: VAULT_ADDR (default: the stack's vault.address),
 * VAULT_CACERT (default: the stack's vault.caCert), VAULT_NAMESPACE. No Vault
 * token is needed: every Vault question is asked as the identity it is about;
 * `--deep` (the drift job) adds checks of what refresh cannot see, with VAULT_TOKEN.
 * `--no-logins` skips the service-account logins (and so needs no TokenRequest right: the drift job's
 * read-only kubeconfig); the refusal and capability checks go with them.
 *
 * Exit status: 0 all checks pass, 1 a check failed, 2 bad usage or config.
 */
import * as fs from "fs";
import { parseStackConfig, PlatformConfig } from "../components/config/config";
import { nodeTenantFileSystem } from "../components/config/project-files";
import { readStackFile } from "./lib/stack-file";
import { Endpoint } from "./lib/verify/http";
import { endpointFromKubeconfig, kubeconfigFiles, KubeClient } from "./lib/verify/kube";
import { parseOutputs, verifyStack } from "./lib/verify/run";
import { VaultClient } from "./lib/verify/vault";

interface Args {
  stack?: string;
  outputs?: string;
  context?: string;
  kubeApi?: string;
  vaultAddr?: string;
  since?: string;
  deep?: boolean;
  noLogins?: boolean;
  expectEmpty?: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const args: Args = {};
  const valued: Record<string, Exclude<keyof Args, "deep" | "noLogins">> = { "--outputs": "outputs", "--context": "context", "--kube-api": "kubeApi", "--vault-addr": "vaultAddr", "--since": "since", "--expect-empty": "expectEmpty" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const key = valued[a];
    if (key) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      args[key] = v;
    } else if (a === "--deep") args.deep = true;
    else if (a === "--no-logins") args.noLogins = true;
    else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
    else if (args.stack) throw new UsageError(`one stack at a time (got ${args.stack} and ${a})`);
    else args.stack = a;
  }
  if (!args.stack) throw new UsageError("which stack?");
  if (args.since !== undefined && Number.isNaN(Date.parse(args.since))) throw new UsageError(`--since ${args.since} is not a time (ISO 8601, e.g. 2026-12-08T01:00:00Z: when the \`up\` finished)`);
  return args;
}

function readOutputs(args: Args): string {
  const from = args.outputs ?? "-";
  if (from !== "-") return fs.readFileSync(from, "utf8");
  if (process.stdin.isTTY) throw new UsageError("no stack outputs: pipe them in (`pulumi stack output --json -s <stack> | npm run verify -- <stack>`) or pass --outputs FILE");
  return fs.readFileSync(0, "utf8");
}

function vaultEndpoint(config: PlatformConfig, args: Args, env: NodeJS.ProcessEnv): VaultClient {
  const fromArg = args.vaultAddr ? "--vault-addr" : env.VAULT_ADDR ? "VAULT_ADDR" : "the stack's vault.address";
  const url = args.vaultAddr ?? env.VAULT_ADDR ?? config.vault.address;
  const ca = env.VAULT_CACERT ? fs.readFileSync(env.VAULT_CACERT) : config.vault.caCertPem;
  const insecure = /^(1|true)$/i.test(env.VAULT_SKIP_VERIFY ?? "") || config.vault.skipTlsVerify;
  const ep: Endpoint = { url, what: "Vault", source: fromArg, ca, insecure };
  return new VaultClient(ep, env.VAULT_NAMESPACE ?? config.vault.namespace);
}

function kubeEndpoint(rawConfig: Record<string, string>, args: Args, env: NodeJS.ProcessEnv): Endpoint {
  if (args.kubeApi) return { url: args.kubeApi, what: "the Kubernetes API", source: "--kube-api" };
  return endpointFromKubeconfig(kubeconfigFiles(env), args.context ?? rawConfig["kubernetes:context"]);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const projectDir = process.cwd();
  const { config: raw, secretKeys } = readStackFile(args.stack!, projectDir);
  // `secure:` values are never read; verify needs none of them.
  const { config } = parseStackConfig(raw, { secretKeys: new Set(secretKeys), ...nodeTenantFileSystem(projectDir) });
  const outputs = parseOutputs(readOutputs(args), args.outputs && args.outputs !== "-" ? args.outputs : "stdin");
  const vault = vaultEndpoint(config, args, process.env);
  const kube = new KubeClient(kubeEndpoint(raw, args, process.env));
  process.stdout.write(`verify ${args.stack}: Kubernetes ${kube.ep.url} (${kube.ep.source}), Vault ${vault.ep.url} (${vault.ep.source})\n`);
  const since = args.since ? new Date(args.since) : undefined;
  if (args.deep && !process.env.VAULT_TOKEN) throw new UsageError("--deep reads Vault's default policy, roles, audit devices and auth config: set VAULT_TOKEN (docs/verify.md lists the policy it needs)");
  const deepToken = args.deep ? process.env.VAULT_TOKEN : undefined;
  const result = await verifyStack({ config, outputs, kube, vault, since, deepToken, noLogins: args.noLogins, expectEmpty: args.expectEmpty?.split(",").filter(Boolean), write: (l) => process.stdout.write(`${l}\n`) });
  const n = result.failures.length;
  process.stdout.write(n === 0 ? `verify: all ${result.passed} checks passed\n` : `verify: ${n} check(s) failed, ${result.passed} passed\n`);
  return n === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`verify: ${e instanceof Error ? e.message : String(e)}\n`);
    if (e instanceof UsageError) process.stderr.write("usage: pulumi stack output --json -s <stack> | npm run verify -- <dev|prod|path/to/Pulumi.<stack>.yaml> [--outputs FILE] [--context NAME] [--kube-api URL] [--vault-addr URL] [--since TIME] [--deep] [--no-logins] [--expect-empty TENANT,...]\n");
    process.exit(2);
  },
);
