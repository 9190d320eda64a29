/** The program's resources for a config, as the engine shows them to the pack (kept apart so rule tests do not load the SDKs). */
import * as pulumi from "@pulumi/pulumi";
import { buildPlatform } from "../../components/platform";
import { loadStackConfig } from "../../components/config/stack-config";
import type { GuardResource } from "../../policies/guard/rule";
import { fromRegistered } from "./guard";
import { installMocks } from "./mocks";

/**
 * Runs the program as index.ts does, `buildPlatform(loadStackConfig())`, under
 * a fresh mock engine with `config`, and returns what it registered as the
 * engine would show it to policies. (index.ts itself can be imported only once
 * per jest module; this can run several stacks in one file.)
 */
export async function registeredFor(stack: string, config: Record<string, string>, secretKeys: string[] = []): Promise<GuardResource[]> {
  const engine = installMocks(stack);
  pulumi.runtime.setAllConfig(config, secretKeys);
  buildPlatform(loadStackConfig());
  await engine.settle();
  return fromRegistered(engine.resources, stack);
}

