import { createHash } from 'node:crypto';
import { isoSeconds } from '../kube/store.ts';

/**
 * The simulated kubelet's status logic: what a pod's status should say, given whether its
 * containers have started and which readiness-gate conditions clients (the agent) have written.
 * Ready = containers ready AND every readiness gate's condition True (a missing condition counts
 * as False; Kubernetes pod-lifecycle docs, "Pod readiness"). Conditions of other types (the gates)
 * are left as clients wrote them.
 */

export const KUBELET_CONDITIONS = [
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
] as const;

export interface KubeletView {
  ip: string;
  hostIP: string;
  started: boolean;
  startedAt?: number;
  containers: readonly { name: string; image: string }[];
  createdAt: number;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string | null;
  lastProbeTime?: string | null;
}

/** The kubelet's message for each readiness gate that is not True (GeneratePodReadyCondition). */
export function unreadyGates(gates: string[], conditions: Condition[]): string[] {
  return gates.flatMap((g) => {
    const c = conditions.find((x) => x.type === g);
    if (!c) return [`corresponding condition of pod readiness gate "${g}" does not exist.`];
    return c.status === 'True' ? [] : [`the status of pod readiness gate "${g}" is not "True", but ${c.status}`];
  });
}

/** The pod status the kubelet wants, keeping client-written conditions and transition times that did not change. */
export function desiredPodStatus(
  v: KubeletView,
  gates: string[],
  current: { conditions?: Condition[]; [k: string]: unknown } | undefined,
  now: number,
): { status: Record<string, any>; ready: boolean } {
  const existing = current?.conditions ?? [];
  const unready = unreadyGates(gates, existing);
  const ready = v.started && unready.length === 0;
  // Go prints the slice of container names as `[a b]`.
  const unreadyContainers = `containers with unready status: [${v.containers.map((c) => c.name).join(' ')}]`;
  const containersReady: Condition = v.started
    ? { type: 'ContainersReady', status: 'True' }
    : { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: unreadyContainers };
  const podReady: Condition = ready
    ? { type: 'Ready', status: 'True' }
    : !v.started
      ? { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: unreadyContainers }
      : { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: unready.join(', ') };
  // The kubelet's order (1.29+, with the PodReadyToStartContainers condition: the sandbox is up at once).
  const want: Condition[] = [
    { type: 'PodReadyToStartContainers', status: 'True' },
    { type: 'Initialized', status: 'True' },
    podReady,
    containersReady,
    { type: 'PodScheduled', status: 'True' },
  ];
  const conditions: Condition[] = [];
  for (const w of want) {
    const prev = existing.find((c) => c.type === w.type);
    const at = prev && prev.status === w.status ? prev.lastTransitionTime : isoSeconds(now);
    conditions.push({ ...w, lastProbeTime: null, lastTransitionTime: at ?? isoSeconds(now) });
  }
  for (const c of existing) if (!(KUBELET_CONDITIONS as readonly string[]).includes(c.type)) conditions.push(c);
  const startedAt = isoSeconds(v.startedAt ?? now);
  return {
    ready,
    status: {
      phase: v.started ? 'Running' : 'Pending',
      conditions,
      hostIP: v.hostIP,
      hostIPs: [{ ip: v.hostIP }],
      podIP: v.ip,
      podIPs: [{ ip: v.ip }],
      startTime: isoSeconds(v.createdAt),
      qosClass: 'BestEffort',
      containerStatuses: v.containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: v.started ? imageIdOf(c.image) : '',
        ...(v.started ? { containerID: containerIdOf(v.ip, c.name) } : {}),
        lastState: {},
        ready: v.started,
        started: v.started,
        restartCount: 0,
        state: v.started ? { running: { startedAt } } : { waiting: { reason: 'ContainerCreating' } },
      })),
    },
  };
}

/** A stable containerd container id (64 hex digits) for a pod's container. */
function containerIdOf(ip: string, name: string): string {
  return `containerd://${createHash('sha256').update(`${ip}/${name}`).digest('hex')}`;
}

/** The digest reference a started container reports (`<repository>@sha256:<64 hex>`, stable per image). */
function imageIdOf(image: string): string {
  const repo = image.split('@')[0]!.replace(/:[^/:]+$/, '');
  return `${repo}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

/** Compares what matters of two statuses (condition types/statuses/reasons/messages, phase, IP). */
export function sameStatus(a: Record<string, any> | undefined, b: Record<string, any>): boolean {
  if (!a) return false;
  if (a.phase !== b.phase || a.podIP !== b.podIP) return false;
  const ca: Condition[] = a.conditions ?? [];
  const cb: Condition[] = b.conditions;
  if (ca.length !== cb.length) return false;
  return cb.every((c) =>
    ca.some((x) => x.type === c.type && x.status === c.status && x.reason === c.reason && x.message === c.message),
  );
}
