/** What the world knows about each pod and workload beyond the store, and pure helpers over it. */
import type { PodScope, WorkloadDef } from '../scenario/types.ts';
import type { Random } from './prng.ts';

/** What a health check of a target finds (the ELBv2 model's probe result). */
export type ProbeResult = 'pass' | 'fail' | 'timeout' | 'mismatch';

export interface PodSim {
  key: string;
  name: string;
  namespace: string;
  uid: string;
  ip: string;
  nodeName: string;
  zone: string;
  /** The node's InternalIP (the pod's `status.hostIP`). */
  hostIP: string;
  labels: Record<string, string>;
  gates: string[];
  containers: { name: string; image: string }[];
  containerPorts: { name?: string; containerPort: number }[];
  /** `<namespace>/<name>` of the ReplicaSet controlling the pod, if any. */
  rsKey?: string;
  /** The Deployment the pod belongs to (its behaviour, and the scope of workload faults). */
  workload?: WorkloadSim;
  createdAt: number;
  startAt: number;
  startedAt?: number;
  started: boolean;
  ready: boolean;
  terminating: boolean;
  removeAt?: number;
  healthFault?: { mode: Exclude<ProbeResult, 'pass'>; until?: number };
  errorRate: number;
  latencyMs: number;
}

/**
 * How the pods of one Deployment behave: the scenario's workload definition, or one derived from a
 * Deployment a client created (no errors, FOREIGN_POD latency, start delay from its readiness probe).
 */
export interface WorkloadSim {
  def: WorkloadDef;
  /** `<namespace>/<deployment name>`. */
  key: string;
  /** Defined by the scenario (else derived from a client's Deployment). */
  fromScenario: boolean;
  /** At start-up only: whether the pods' readiness-gate conditions start True (see initial-registration.ts). */
  gatesTrueAtStart?: boolean;
}

/** A temporary change of pods' behaviour (a fault): later overrides win over earlier ones. */
export interface Override {
  scope: PodScope;
  errorRate?: number;
  latencyMs?: number;
  until?: number;
}

/** Pods not made by a workload (e.g. `kubectl run`) start after this and answer with no errors. */
export const FOREIGN_POD = { startDelayMs: 2000, errorRate: 0, latencyMs: 20 };

export function inScope(scope: PodScope, p: PodSim): boolean {
  if (scope.namespace !== undefined && scope.namespace !== p.namespace) return false;
  if (scope.workload !== undefined && p.workload?.def.name !== scope.workload) return false;
  return true;
}

/** What a new pod is made from; the rest starts out not started, not ready, not terminating. */
export type NewPod = Omit<PodSim, 'key' | 'started' | 'ready' | 'terminating' | 'errorRate' | 'latencyMs'>;

export function newPodSim(f: NewPod, overrides: readonly Override[]): PodSim {
  const p: PodSim = {
    ...f,
    key: `${f.namespace}/${f.name}`,
    started: false,
    ready: false,
    terminating: false,
    errorRate: 0,
    latencyMs: 0,
  };
  applyBehaviour(p, overrides);
  return p;
}

/** Sets a pod's error rate and latency from its workload, then the overrides in scope, in order. */
export function applyBehaviour(p: PodSim, overrides: readonly Override[]): void {
  p.errorRate = p.workload?.def.errorRate ?? FOREIGN_POD.errorRate;
  p.latencyMs = p.workload?.def.latencyMs ?? FOREIGN_POD.latencyMs;
  for (const o of overrides) {
    if (!inScope(o.scope, p)) continue;
    if (o.errorRate !== undefined) p.errorRate = o.errorRate;
    if (o.latencyMs !== undefined) p.latencyMs = o.latencyMs;
  }
}

/** Kubernetes' alphabet for generated names (k8s.io/apimachinery/pkg/util/rand): no vowels, no 0/1/3. */
const SAFE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** A 5-character name suffix, as `generateName` and the ReplicaSet controller draw them. */
export function suffix(rng: Random): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += SAFE_CHARS[Math.floor(rng.next() * SAFE_CHARS.length)];
  return s;
}

/** rand.SafeEncodeString: each byte mapped to the safe alphabet (byte mod 27). */
export function safeEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += SAFE_CHARS[text.charCodeAt(i) % SAFE_CHARS.length];
  return out;
}

/**
 * A `pod-template-hash` as the Deployment controller makes it: the decimal FNV-1a 32-bit hash of
 * the template, safe-encoded — so 1–10 characters of `456789bcdf` (the digits' images), e.g. `7d4b9c8f5`.
 */
export function podTemplateHash(template: string): string {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(template)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return safeEncode(String(h));
}

export function byKey(a: PodSim, b: PodSim): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
