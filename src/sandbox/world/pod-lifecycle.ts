/**
 * The simulated kubelet's side of a pod's life: a pod is Pending with an IP at once, its containers
 * start after the start delay, its status follows `desiredPodStatus`, a graceful delete keeps it
 * running until its deadline, and the kubelet then removes it (DELETE with grace 0). Pods created
 * by clients directly are adopted and run the same way.
 */
import type { KubeObject } from '../kube/store.ts';
import type { ClusterState } from './cluster-state.ts';
import { REF } from './kube-objects.ts';
import { desiredPodStatus, sameStatus } from './kubelet.ts';
import { FOREIGN_POD, newPodSim, type PodSim } from './pod-sim.ts';

/** Starts containers and removes terminated pods whose time has come. */
export function runDueTimers(s: ClusterState, now: number): void {
  s.timers.sort((a, b) => a.at - b.at);
  while (s.timers.length && s.timers[0]!.at <= now) {
    const t = s.timers.shift()!;
    if (t.kind === 'resync') {
      s.replicaSetsDirty.add(t.key);
      continue;
    }
    const p = s.pods.get(t.key);
    if (!p) continue;
    if (t.kind === 'start' && !p.started && !p.terminating) {
      p.started = true;
      p.startedAt = t.at;
      s.statusDirty.add(p.key);
    } else if (t.kind === 'remove' && p.terminating) {
      s.self(() => {
        try {
          s.store.delete(REF.pods, p.namespace, p.name, { gracePeriodSeconds: 0 });
        } catch {
          // Already gone (deleted by a client with grace 0): nothing to do.
        }
      });
      s.forget(p);
    }
  }
}

/** A new pod the kubelet runs: tracked, start scheduled, status and Services queued. */
export function schedulePodStart(s: ClusterState, p: PodSim): void {
  s.timers.push({ at: p.startAt, key: p.key, kind: 'start' });
  s.statusDirty.add(p.key);
  s.dirtyServicesOf(p.namespace);
}

/** Writes the status the kubelet wants (if it differs in substance) and notes Ready changes. */
export function writeStatus(s: ClusterState, p: PodSim, now: number): void {
  const current = s.store.get(REF.pods, p.namespace, p.name);
  if (!current) return;
  const { status, ready } = desiredPodStatus(
    {
      ip: p.ip,
      hostIP: p.hostIP,
      started: p.started,
      startedAt: p.startedAt,
      containers: p.containers,
      createdAt: p.createdAt,
    },
    p.gates,
    current.status,
    now,
  );
  if (ready !== p.ready) {
    p.ready = ready;
    s.dirtyServicesOf(p.namespace);
    s.dirtyOwnerOf(p);
  }
  if (sameStatus(current.status, status)) return;
  s.self(() => s.store.update(REF.pods, { ...current, status }, { subresource: 'status', fieldManager: 'kubelet' }));
}

/** A pod marked for deletion keeps running until its deadline, then the kubelet removes it. */
export function beginTermination(s: ClusterState, p: PodSim, obj: KubeObject): void {
  if (p.terminating) return;
  p.terminating = true;
  const deadline = Date.parse(obj.metadata.deletionTimestamp ?? '');
  p.removeAt = Number.isFinite(deadline) ? Math.max(deadline, s.now) : s.now;
  s.timers.push({ at: p.removeAt, key: p.key, kind: 'remove' });
  s.dirtyServicesOf(p.namespace);
  s.dirtyOwnerOf(p);
}

/** Deletes a pod with its own grace period, as a controller does. */
export function deleteGracefully(s: ClusterState, p: PodSim): void {
  const obj = s.self(() => s.store.delete(REF.pods, p.namespace, p.name));
  if (obj?.metadata.deletionTimestamp) beginTermination(s, p, obj);
  else s.forget(p);
}

/** A pod a client created directly: the kubelet runs it too (scheduled to a node if it has none). */
export function adopt(s: ClusterState, o: KubeObject): void {
  const containers: any[] = o.spec?.containers ?? [];
  const namespace = o.metadata.namespace ?? 'default';
  const rs = controllerOf(o, 'ReplicaSet');
  const rsKey = rs ? `${namespace}/${rs}` : undefined;
  const place = s.place((x) => x.rsKey !== undefined && x.rsKey === rsKey, o.spec?.nodeName);
  const p = newPodSim(
    {
      name: o.metadata.name,
      namespace,
      uid: o.metadata.uid ?? '',
      ip: place.ip,
      nodeName: o.spec?.nodeName ?? place.node.name,
      zone: place.node.zone,
      hostIP: place.node.internalIp,
      labels: { ...(o.metadata.labels ?? {}) },
      gates: (o.spec?.readinessGates ?? []).map((g: { conditionType: string }) => g.conditionType),
      containers: containers.map((c) => ({ name: c?.name ?? 'app', image: c?.image ?? '' })),
      containerPorts: containers.flatMap((x) => x?.ports ?? []),
      ...(rsKey ? { rsKey } : {}),
      createdAt: s.now,
      startAt: s.now + startDelayOf(o.spec, FOREIGN_POD.startDelayMs),
    },
    s.overrides,
  );
  s.track(p);
  if (!o.spec?.nodeName) {
    const pod = s.store.get(REF.pods, p.namespace, p.name);
    if (pod) s.self(() => s.store.update(REF.pods, { ...pod, spec: { ...pod.spec, nodeName: p.nodeName } }));
  }
  schedulePodStart(s, p);
}

/** The name of an object's controlling owner of a kind, if any. */
export function controllerOf(o: KubeObject, kind: string): string | undefined {
  const refs: any[] = o.metadata.ownerReferences ?? [];
  return refs.find((r) => r?.controller === true && r.kind === kind)?.name;
}

/**
 * From creation to ready: `base` (image pull and start), plus the longest
 * `readinessProbe.initialDelaySeconds` of the pod's containers (the first probe then succeeds).
 */
export function startDelayOf(spec: Record<string, any> | undefined, base: number): number {
  const delays = (spec?.containers ?? []).map((c: any) => Number(c?.readinessProbe?.initialDelaySeconds) || 0);
  return base + Math.max(0, ...delays) * 1000;
}
