/**
 * Contract: rotating the reviewer service account's token
 * (kubernetesAuth.reviewerTokenGeneration, reviewerServiceAccount mode) never
 * leaves Vault holding a refused token. Upstream rules in
 * models/reviewer-rotation.ts: pulumi-kubernetes diff.go forceNewProperties,
 * pulumi step_generator.go replacement order, kubernetes
 * pkg/serviceaccount/legacy.go Validate.
 */
import { Captured, startRecording } from "../../scripts/lib/capture";
import { tokenReviewProblems, VaultBackend, VaultBackendArgs } from "../../components/vault-backend/vault-backend";
import { ConfigError, parseStackConfig } from "../../components/config/config";
import { reviewerTokenSecretName } from "../../components/vault-backend/kubernetes-auth";
import { clusterCaPem, flat, validSections } from "../helpers/fixtures";
import { forcesReplacement, loginOutages, replacementSteps, SecretObject } from "./models/reviewer-rotation";

const args = (tokenGeneration?: number): VaultBackendArgs => ({
  kubernetesHost: "https://10.0.0.1:6443",
  kubernetesCaCert: clusterCaPem(),
  vaultRunsIn: "external",
  tokenReview: { mode: "reviewerServiceAccount", namespace: "vault-auth", tokenGeneration },
  eso: { namespace: "external-secrets", serviceAccountName: "external-secrets", role: "eso", policy: "eso-read", scope: "eso", audience: "vault", tokenTtlSeconds: 900, tokenMaxTtlSeconds: 3600 },
});

let captured: Captured[];

beforeAll(async () => {
  const rec = startRecording("vault-eso", "rotation");
  new VaultBackend("g1", args());
  new VaultBackend("g2", args(2));
  await rec.settle();
  captured = rec.captured;
});

const tokenSecret = (backend: string) => captured.find((c) => c.type === "kubernetes:core/v1:Secret" && c.name === `${backend}-reviewer-token`)!;
const authConfig = (backend: string) => captured.find((c) => c.type === "vault:kubernetes/authBackendConfig:AuthBackendConfig" && c.name === `${backend}-k8s-auth-config`)!;

describe("reviewer token rotation (pulumi-kubernetes diff.go forceNewProperties; pulumi step_generator.go; kubernetes pkg/serviceaccount/legacy.go Validate)", () => {
  test("generation 1 keeps the original Secret name (no diff for deployed stacks); a later generation is a new name under the same logical resource, so Pulumi replaces it", () => {
    const g1 = tokenSecret("g1").inputs as unknown as SecretObject;
    const g2 = tokenSecret("g2").inputs as unknown as SecretObject;
    expect(g1.metadata.name).toBe("vault-token-reviewer");
    expect(g2.metadata.name).toBe("vault-token-reviewer-2");
    expect(forcesReplacement(g1, g2)).toBe(true);
    expect(reviewerTokenSecretName(3)).toBe("vault-token-reviewer-3");
    expect(() => reviewerTokenSecretName(0)).toThrow(/>= 1/);
  });

  test("Vault's auth config follows the new Secret in the same up: its reviewer JWT input depends on that Secret", () => {
    expect(authConfig("g2").dependencies).toContain(tokenSecret("g2").urn);
    expect(authConfig("g2").options.additionalSecretOutputs).toContain("tokenReviewerJwt");
  });

  test("the replacement is create-before-delete, so no step leaves Vault with a refused token; delete-before-replace would", () => {
    const deleteFirst = tokenSecret("g2").options.deleteBeforeReplace === true;
    expect(deleteFirst).toBe(false);
    expect(loginOutages("vault-token-reviewer", replacementSteps("vault-token-reviewer", "vault-token-reviewer-2", deleteFirst))).toEqual([]);
    // The model can fail: deleting first leaves Vault with the old, invalidated token until the config update.
    expect(loginOutages("vault-token-reviewer", replacementSteps("vault-token-reviewer", "vault-token-reviewer-2", true))).toHaveLength(2);
  });
});

describe("kubernetesAuth.reviewerTokenGeneration in config", () => {
  const parse = (k8s: Record<string, unknown>, extra: Record<string, string> = {}, secretKeys: string[] = []) => {
    const s = validSections();
    s.kubernetesAuth = { ...(s.kubernetesAuth as Record<string, unknown>), ...k8s };
    return parseStackConfig({ ...flat(s), ...extra }, { secretKeys: new Set(secretKeys), readFile: () => "" });
  };
  const problem = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (e instanceof ConfigError) return e.message;
      throw e;
    }
    throw new Error("expected a ConfigError");
  };

  test("reaches the platform config; default 1", () => {
    expect(parse({ tokenReview: "reviewerServiceAccount", reviewerTokenGeneration: 4 }).config.kubernetesAuth.reviewerTokenGeneration).toBe(4);
    expect(parse({ tokenReview: "reviewerServiceAccount" }).config.kubernetesAuth.reviewerTokenGeneration).toBe(1);
  });

  test("refused without a token to rotate: clientJwt review, or a reviewer JWT the user brings; and not a whole number >= 1", () => {
    expect(problem(() => parse({ tokenReview: "clientJwt", reviewerTokenGeneration: 2 }))).toMatch(/kubernetesAuth\.reviewerTokenGeneration = 2: .*no long-lived token. Fix: remove it/);
    expect(problem(() => parse({ tokenReview: "reviewerServiceAccount", reviewerTokenGeneration: 2 }, { "vault-eso:reviewerJwt": "eyJ.x.y" }, ["vault-eso:reviewerJwt"]))).toMatch(
      /reviewerTokenGeneration = 2: .*Fix: remove reviewerTokenGeneration and rotate with pulumi config set --secret vault-eso:reviewerJwt/,
    );
    expect(problem(() => parse({ tokenReview: "reviewerServiceAccount", reviewerTokenGeneration: 0 }))).toMatch(/reviewerTokenGeneration = 0/);
  });
});

describe("VaultBackend refuses a generation it cannot rotate (tokenReviewProblems)", () => {
  test("with clientJwt, with a JWT the user brings, and below 1", () => {
    expect(tokenReviewProblems({ mode: "clientJwt", tokenGeneration: 2 })).toEqual([expect.stringMatching(/tokenReview\.tokenGeneration: only used with mode "reviewerServiceAccount"/)]);
    expect(tokenReviewProblems({ mode: "reviewerServiceAccount", jwt: "eyJ.x.y", tokenGeneration: 2 })).toEqual([expect.stringMatching(/reviewer JWT you bring/)]);
    expect(tokenReviewProblems({ mode: "reviewerServiceAccount", tokenGeneration: 0 })).toEqual([expect.stringMatching(/not a whole number >= 1/)]);
    expect(tokenReviewProblems({ mode: "reviewerServiceAccount", tokenGeneration: 3 })).toEqual([]);
  });
});
