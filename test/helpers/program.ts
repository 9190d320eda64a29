/**
 * Runs the real program (index.ts) under the mock engine with a stack file's
 * config, and lifts what it registered into checkable objects.
 */
import * as pulumi from "@pulumi/pulumi";
import { installMocks, MockEngine, Registered } from "./mocks";
import { K8sObject } from "./schemas";
import { readStackFile } from "./stack-file";

export async function runProgram(stack: string): Promise<{ engine: MockEngine; program: Record<string, unknown> }> {
  const engine = installMocks(stack);
  const { config, secretKeys } = readStackFile(stack);
  pulumi.runtime.setAllConfig(config, secretKeys);
  const program = (await import("../../index.js")) as Record<string, unknown>;
  await engine.settle();
  return { engine, program };
}

/** Kubernetes resource types are `kubernetes:<group>/<version>:<Kind>`; Helm releases are not objects. */
export function k8sObjects(resources: readonly Registered[]): K8sObject[] {
  return resources
    .filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/") && !r.read)
    .map((r) => {
      const { apiVersion, kind } = r.inputs;
      if (!apiVersion || !kind) throw new Error(`${r.type} ${r.name} registered without apiVersion/kind`);
      return r.inputs as K8sObject;
    });
}

export function vaultPolicies(resources: readonly Registered[]): Array<{ name: string; policy: string }> {
  return resources.filter((r) => r.type === "vault:index/policy:Policy").map((r) => ({ name: r.inputs.name, policy: r.inputs.policy }));
}
