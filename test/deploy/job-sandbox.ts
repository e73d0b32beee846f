/**
 * Runs the container of a Job as its pod would, against the sandbox: the env and args the kubelet
 * would give it (kubelet-env.ts), ConfigMap volumes written to a directory standing in for their
 * mount paths (args naming a mounted path are pointed there), and the sandbox's AWS environment.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCliProcess } from '../helpers/run-cli.ts';
import { containerArgs, containerEnv, type PodContext } from './kubelet-env.ts';
import type { KubeObj } from './kustomize-render.ts';

export interface PodRun {
  args: string[];
  env: Record<string, string>;
}

/**
 * The `cutover` container's command line and environment in a pod of `job` (as read back from a
 * cluster: its template carries the server's labels, or pass them), its volumes under `root`.
 */
export function podOf(
  job: KubeObj,
  configMaps: KubeObj[],
  root: string,
  labels: Record<string, string> = job.spec.template.metadata.labels,
): PodRun {
  const pod = job.spec.template.spec;
  const container = pod.containers.find((c: { name: string }) => c.name === 'cutover');
  const ctx: PodContext = { namespace: job.metadata.namespace!, labels, configMaps };
  const env = containerEnv(container, ctx);
  const mounts: Array<[string, string]> = [];
  for (const m of container.volumeMounts ?? []) {
    const volume = pod.volumes.find((v: { name: string }) => v.name === m.name);
    const local = join(root, m.mountPath);
    mkdirSync(local, { recursive: true });
    if (volume.configMap) {
      const cm = configMaps.find((c) => c.metadata.name === volume.configMap.name);
      if (!cm) throw new Error(`volume ${m.name}: ConfigMap ${volume.configMap.name} is not there`);
      for (const [k, v] of Object.entries<string>(cm.data ?? {})) writeFileSync(join(local, k), v);
    }
    mounts.push([m.mountPath, local]);
  }
  const args = containerArgs(container, env).map((a) => {
    const mount = mounts.find(([path]) => a === path || a.startsWith(`${path}/`));
    return mount ? mount[1] + a.slice(mount[0].length) : a;
  });
  return { args, env };
}

/** Starts the pod's container as a process, with the sandbox's AWS environment. */
export const startPod = (p: PodRun, sandboxEnv: Record<string, string>) =>
  startCliProcess(p.args, { env: { ...sandboxEnv, ...p.env }, guardMs: 120_000 });
