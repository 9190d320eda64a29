/**
 * The checks of the Kubernetes Pod Security Standards, "restricted" profile
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * applied to a pod spec: what Pod Security Admission would reject.
 */
/**
 * Why `pod` would be rejected by Pod Security "restricted" (the checks of
 * the Kubernetes Pod Security Standards that apply to this pod), or [].
 */
export function restrictedViolations(pod: any): string[] {
  const out: string[] = [];
  const psc = pod.securityContext ?? {};
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) out.push("host namespaces");
  for (const v of pod.volumes ?? []) {
    const allowed = ["configMap", "secret", "emptyDir", "projected", "downwardAPI", "persistentVolumeClaim", "csi", "ephemeral"];
    const kinds = Object.keys(v).filter((k) => k !== "name");
    if (!kinds.every((k) => allowed.includes(k))) out.push(`volume ${v.name} of type ${kinds.join(",")}`);
  }
  for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) out.push(`${c.name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation must be false`);
    if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) out.push(`${c.name}: runAsNonRoot must be true`);
    if ((sc.runAsUser ?? psc.runAsUser) === 0) out.push(`${c.name}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") out.push(`${c.name}: seccompProfile must be RuntimeDefault or Localhost`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes("ALL")) out.push(`${c.name}: capabilities must drop ALL`);
    const add: string[] = sc.capabilities?.add ?? [];
    if (add.some((cap) => cap !== "NET_BIND_SERVICE")) out.push(`${c.name}: adds capabilities ${add.join(",")}`);
    if ((c.ports ?? []).some((p: any) => p.hostPort)) out.push(`${c.name}: hostPort`);
  }
  return out;
}
