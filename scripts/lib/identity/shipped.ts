/**
 * The shipped stacks whose resource identity is a contract (test/identity/<id>.json): dev, prod,
 * a tenant stack of the sharding example (on its platform's tenantContract), and the package's
 * example program (examples/typescript). Each is run in this process under the recorder
 * (scripts/lib/capture.ts, the mock engine `npm run render` uses), one after another.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { platformOfStack } from "../../../components/vault-eso-platform";
import { buildTenantShard } from "../../../components/tenants/tenant-shard";
import { loadStack } from "../../../components/config/stack-config";
import { Captured, resolveExports, startRecording } from "../capture";
import { provideStackOutputs } from "../mocks";
import { defaultOrg, readStackFile, stackName } from "../stack-file";

export interface ShippedStack {
  readonly id: string;
  /** Stack file; absent for the package example (no config). */
  readonly file?: string;
  /** A tenant stack's platform stack file (its tenantContract is read from it). */
  readonly platformFile?: string;
}

export const SHIPPED_STACKS: readonly ShippedStack[] = [
  { id: "dev", file: "Pulumi.dev.yaml" },
  { id: "prod", file: "Pulumi.prod.yaml" },
  { id: "team-payments", file: "examples/sharding/Pulumi.team-payments.yaml", platformFile: "examples/sharding/Pulumi.platform.yaml" },
  { id: "example" },
];

const PROJECT = "vault-eso";

async function runStack(file: string, projectDir: string): Promise<{ captured: Captured[]; outputs: Record<string, unknown> }> {
  const stack = stackName(file);
  const { config, secretKeys } = readStackFile(file, projectDir);
  const recorder = startRecording(PROJECT, stack, { organization: defaultOrg(config["vault-eso:platform"], config["vault-eso:shards"]) });
  pulumi.runtime.setAllConfig(config, secretKeys);
  const loaded = loadStack(projectDir);
  let outputs: Record<string, unknown> = {};
  if (loaded.kind === "platform") {
    // What index.ts builds: one VaultEsoPlatform (its children aliased to their earlier root-level URNs).
    outputs = await resolveExports({ tenantContract: platformOfStack(loaded).platform.outputs.tenantContract }, "[secret]");
  } else {
    await buildTenantShard(loaded).ready;
  }
  await recorder.settle();
  return { captured: recorder.captured, outputs };
}

/**
 * The registrations of one shipped stack. `loadExample` loads examples/typescript/index.ts (the
 * caller knows how its `vault-eso` import resolves: jest's module mapper, or a resolve hook).
 */
export async function captureShipped(s: ShippedStack, loadExample: () => Promise<unknown>, projectDir = process.cwd()): Promise<Captured[]> {
  if (!s.file) {
    const recorder = startRecording(PROJECT, "example");
    pulumi.runtime.setAllConfig({}, []);
    await loadExample();
    await recorder.settle();
    return recorder.captured;
  }
  if (s.platformFile) {
    const { outputs } = await runStack(s.platformFile, projectDir);
    const ref = readStackFile(s.file, projectDir).config["vault-eso:platform"];
    provideStackOutputs(ref, outputs);
  }
  return (await runStack(path.join(projectDir, s.file), projectDir)).captured;
}
