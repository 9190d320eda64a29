/**
 * The claims of the OIDC token GitHub Actions mints for a job (docs.github.com/en/actions/reference/security/oidc,
 * "OIDC token claims"): `aud` as requested (vault-action's jwtGithubAudience, core.getIDToken(audience)),
 * `repository`, `repository_id` (a string), `ref` (refs/heads/<branch> for push, schedule and
 * workflow_dispatch; refs/pull/<n>/merge for pull_request), `base_ref` (pull requests only),
 * `event_name`, `environment` (only when the job names one), `job_workflow_ref` and `workflow_ref`
 * (`<owner>/<repo>/.github/workflows/<file>@<ref>`), and `sub` (`repo:<repo>:environment:<env>` when the
 * job has an environment, else `repo:<repo>:pull_request` or `repo:<repo>:ref:<ref>`).
 * Only a real run shows a token; this is what the docs state.
 */
export interface Trigger {
  readonly event: string;
  readonly ref: string;
  readonly baseRef?: string;
}

export function githubClaims(opts: { repository: string; repositoryId: string; workflowFile: string; trigger: Trigger; environment?: string; audience: string }): Record<string, string> {
  const { repository, repositoryId, workflowFile, trigger, environment, audience } = opts;
  const workflowRef = `${repository}/.github/workflows/${workflowFile}@${trigger.ref}`;
  const sub = environment ? `repo:${repository}:environment:${environment}` : trigger.event === "pull_request" ? `repo:${repository}:pull_request` : `repo:${repository}:ref:${trigger.ref}`;
  return {
    aud: audience,
    sub,
    repository,
    repository_id: repositoryId,
    repository_owner: repository.split("/")[0],
    ref: trigger.ref,
    base_ref: trigger.baseRef ?? "",
    event_name: trigger.event,
    job_workflow_ref: workflowRef,
    workflow_ref: workflowRef,
    ...(environment ? { environment } : {}),
  };
}
