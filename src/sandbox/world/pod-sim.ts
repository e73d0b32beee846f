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
  labels: Record<string, string>;
  gates: string[];
  containerName: string;
  image: string;
  containerPorts: { name?: string; containerPort: number }[];
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

export interface WorkloadSim {
  def: WorkloadDef;
  key: string;
  replicas: number;
  hash: string;
  rsName: string;
  rsOwner?: Record<string, unknown>;
  deleted: boolean;
}

/** A temporary change of pods' behaviour (a fault): later overrides win over earlier ones. */
export interface Override {
  scope: PodScope;
  errorRate?: number;
  latencyMs?: number;
  until?: number;
}

/** The zones' letters; node i is `<cluster>-node-<letter>` in zone `<region><letter>`. */
export const NODES = ['a', 'b', 'c'];

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

/** The node's InternalIP (`10.N.0.<10+i>`) of the zone a pod runs in. */
export function hostIpOf(p: PodSim): string {
  const [a, b] = p.ip.split('.');
  return `${a}.${b}.0.${10 + NODES.indexOf(p.zone.slice(-1))}`;
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
