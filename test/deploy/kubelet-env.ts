/**
 * What the kubelet gives a container of a pod made from a Job's template: its environment (plain
 * values with `$(VAR)` references to variables defined before them, downward API `fieldRef`s of
 * the pod's namespace and labels, ConfigMap keys) and its args with `$(VAR)` expanded. Only those
 * sources are resolved; any other fails, so a test cannot run a container it cannot reproduce.
 */
import type { KubeObj } from './kustomize-render.ts';

export interface PodContext {
  namespace: string;
  /** The pod's labels: the Job's template labels, the server-generated ones included. */
  labels: Record<string, string>;
  configMaps: KubeObj[];
}

/** Kubernetes' expansion: `$(VAR)` of a defined variable, `$$` for `$`; unknown references stay. */
export function expand(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) =>
    m === '$$' ? '$' : name !== undefined && name in env ? env[name]! : m,
  );
}

export function containerEnv(container: any, pod: PodContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = expand(e.value, env);
    else if (e.valueFrom?.fieldRef) env[e.name] = fieldRef(e.valueFrom.fieldRef.fieldPath, pod);
    else if (e.valueFrom?.configMapKeyRef) {
      const { name, key } = e.valueFrom.configMapKeyRef;
      const cm = pod.configMaps.find((c) => c.metadata.name === name);
      if (!cm || !(key in (cm.data ?? {}))) throw new Error(`env ${e.name}: ConfigMap ${name} has no key ${key}`);
      env[e.name] = cm.data[key];
    } else throw new Error(`env ${e.name}: a source this test does not resolve`);
  }
  return env;
}

function fieldRef(path: string, pod: PodContext): string {
  if (path === 'metadata.namespace') return pod.namespace;
  const label = /^metadata\.labels\['([^']+)'\]$/.exec(path);
  if (label) {
    const v = pod.labels[label[1]!];
    if (v === undefined) throw new Error(`fieldRef ${path}: the pod has no such label`);
    return v;
  }
  throw new Error(`fieldRef ${path}: not one this test resolves`);
}

export const containerArgs = (container: any, env: Record<string, string>): string[] =>
  (container.args ?? []).map((a: string) => expand(a, env));
