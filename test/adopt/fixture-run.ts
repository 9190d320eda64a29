/** Runs a seed fixture (test/fixtures/adopt/<seed>/) through the adoption, in process. */
import * as fs from "fs";
import * as path from "path";
import { nodeDirReader, parseKubeDump, readVaultDir } from "../../scripts/lib/adopt/dump";
import { planAdoption } from "../../scripts/lib/adopt/plan";
import { finishAdoption } from "../../scripts/lib/adopt/adopt-objects";

export const FIXTURES = path.join("test", "fixtures", "adopt");

export function loadFixture(seed: string) {
  const dir = path.join(FIXTURES, seed);
  const objects = parseKubeDump(fs.readFileSync(path.join(dir, "kube.yaml"), "utf8"), path.join(dir, "kube.yaml"));
  const vault = readVaultDir(path.join(dir, "vault"), nodeDirReader());
  const args = JSON.parse(fs.readFileSync(path.join(dir, "args.json"), "utf8")) as { kubernetesHost?: string; kubernetesCaFile?: string; leaveUnmanaged?: boolean };
  return { objects, vault, args };
}

export async function runFixture(seed: string) {
  const { objects, vault, args } = loadFixture(seed);
  const plan = planAdoption(objects, vault, { kubernetesHost: args.kubernetesHost, kubernetesCaPem: args.kubernetesCaFile ? fs.readFileSync(args.kubernetesCaFile, "utf8") : undefined });
  if (plan.refusals.length) return { objects, vault, args, plan };
  const finished = await finishAdoption(plan, objects, vault, process.cwd(), `adopt-${seed}`);
  return { objects, vault, args, plan, finished };
}
