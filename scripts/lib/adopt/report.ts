/** What `npm run adopt` prints: the two ups object by object, what stays as it is, what to do by hand. Pure. */
import type { FinishedAdoption } from "./adopt-objects";
import type { Op, PlannedStep } from "./model";
import type { AdoptPlan } from "./plan";

const MARK: Record<Op, string> = { import: "= import ", create: "+ create ", update: "~ update ", same: "  same   ", replace: "+-replace", delete: "- delete " };

function steps(list: readonly PlannedStep[]): string {
  return list.map((s) => `  ${MARK[s.op]} ${s.object}${s.details?.length ? `\n${s.details.map((d) => `              ${d}`).join("\n")}` : ""}`).join("\n");
}

export function formatReport(plan: AdoptPlan, finished?: FinishedAdoption): string {
  const out: string[] = [];
  if (plan.eso?.chartVersion) out.push(`ESO installed: chart ${plan.eso.chartVersion}${plan.eso.path?.length ? ` (path to the pinned version: ${plan.eso.path.join(" -> ")})` : " (the pinned version)"}`);
  for (const n of plan.notes) out.push(`note: ${n}`);
  if (finished) {
    out.push("", "First pulumi up (vault-eso:adopt.kubernetes.imported: false): imports change nothing in the cluster", steps(finished.model.first));
    out.push("", "Then set vault-eso:adopt.kubernetes.imported: true; the next pulumi up updates the adopted objects in place", steps(finished.model.second));
  }
  if (plan.leftAlone.length) {
    out.push("", "Left as it is (not managed by the stack, never deleted by it):");
    for (const l of plan.leftAlone) out.push(`  ${l.breaks ? "!" : "-"} ${l.object}: ${l.reason}`);
  }
  if (plan.steps.length) {
    out.push("", "By hand, after the second up:");
    plan.steps.forEach((s, i) => out.push(`  ${i + 1}. ${s}`));
  }
  return `${out.join("\n")}\n`;
}
