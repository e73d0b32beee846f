import type { Logger } from 'pino';
import type { Clock } from '../util/clock.ts';
import { backoffDelay } from './backoff.ts';
import { bindingSpec, type RawBinding } from './binding-spec.ts';
import { desiredTargets, resolveServicePort } from './desired-targets.ts';
import type { GuardRail } from './guard-rail.ts';
import type { AgentMetrics } from './metrics.ts';
import type { ClusterView, TargetGroupPort } from './ports.ts';
import { gateConditionType, gateStatus } from './readiness-gate.ts';
import {
  type FailureReason,
  type ReconcileDeps,
  type ReconcileResult,
  reconcileBinding,
  targetCounts,
} from './reconcile.ts';
import type { BindingSpec, Target } from './types.ts';
import { targetKey } from './types.ts';

/**
 * The agent's control loop: informer changes → binding keys in a queue → one reconcile at a time
 * → status, Events and readiness gates written back. Thin by design (ARCHITECTURE §4): target
 * selection, diffing and AWS ordering live in the pure functions it calls.
 */
export const FINALIZER = 'cutover.dev/targets';

export interface AgentOptions {
  cluster: string;
  guard: GuardRail;
  /** Only bindings in these namespaces (all when empty). */
  namespaces: readonly string[];
  clock: Clock;
  log: Logger;
  random: () => number;
  /** Full pass over every binding with AWS calls, however quiet the cluster (checkpoints cleared). */
  resyncMs: number;
  /**
   * A reconciled binding is looked at again this often with a DescribeTargetHealth (and writes
   * only if something differs): its status counts follow the load balancer's health checks, and a
   * target deregistered behind the agent's back is registered again within this period rather
   * than at the next full resync. Off when undefined or 0.
   */
  healthRefreshMs?: number;
  classify: ReconcileDeps['classify'];
  metrics?: AgentMetrics;
  /**
   * The target-group port of a binding that names `iamRoleArnToAssume` (cross-account target
   * groups): its calls are made as that role. Without it such a binding is refused.
   */
  portFor?: (role: { roleArn: string; externalId?: string }) => TargetGroupPort;
}

interface BindingState {
  checkpoint?: string;
  failures: number;
  lastStatus?: string;
  cancelRequeue?: () => void;
}

export class AgentController {
  private readonly queue = new Set<string>();
  private readonly state = new Map<string, BindingState>();
  private readonly resolved = new Map<string, { generation: number; spec: BindingSpec }>();
  private draining: Promise<void> | undefined;
  private stopped = false;
  private cancelResync: (() => void) | undefined;
  /** Reconciles run, and their AWS calls (for /metrics and the benchmark). */
  readonly stats = { reconciles: 0, awsCalls: 0, failures: 0 };

  constructor(
    private readonly view: ClusterView,
    private readonly tg: TargetGroupPort,
    private readonly o: AgentOptions,
  ) {}

  start(): void {
    for (const b of this.view.bindings()) this.enqueue(`${b.metadata.namespace}/${b.metadata.name}`);
    const resync = () => {
      for (const s of this.state.values()) s.checkpoint = undefined;
      for (const b of this.view.bindings()) this.enqueue(`${b.metadata.namespace}/${b.metadata.name}`);
      this.cancelResync = this.o.clock.setTimeout(resync, this.o.resyncMs);
    };
    this.cancelResync = this.o.clock.setTimeout(resync, this.o.resyncMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelResync?.();
    for (const s of this.state.values()) s.cancelRequeue?.();
    await this.draining;
  }

  /** Maps an informer change to the bindings it can affect. */
  changed(kind: 'binding' | 'service' | 'slice' | 'pod' | 'node', namespace: string, name: string): void {
    if (kind === 'binding') {
      this.enqueue(`${namespace}/${name}`);
      return;
    }
    for (const b of this.view.bindings()) {
      const sameNs = b.metadata.namespace === namespace;
      const instance = b.spec?.targetType === 'instance';
      if ((kind === 'node' && instance) || (kind !== 'node' && sameNs)) {
        this.enqueue(`${b.metadata.namespace}/${b.metadata.name}`);
      }
    }
  }

  /** Resolves when the queue is empty (tests and graceful shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private enqueue(key: string): void {
    if (this.stopped) return;
    const ns = key.split('/')[0]!;
    if (this.o.namespaces.length && !this.o.namespaces.includes(ns)) return;
    this.queue.add(key);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    // Let a burst of informer events collapse into one reconcile per binding.
    await new Promise((r) => setImmediate(r));
    while (this.queue.size && !this.stopped) {
      const key = this.queue.values().next().value!;
      this.queue.delete(key);
      await this.process(key).catch((e) => this.o.log.error({ msg: 'reconcile crashed', binding: key, err: e }));
    }
  }

  private async process(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const obj = this.view.binding(namespace, name);
    const st = this.state.get(key) ?? { failures: 0 };
    this.state.set(key, st);
    if (!obj) {
      st.cancelRequeue?.();
      this.state.delete(key);
      return;
    }
    const log = this.o.log.child({ binding: key });
    const parsed = bindingSpec(obj);
    if (!parsed.ok) {
      await this.writeStatus(obj, st, { ready: false, reason: 'InvalidSpec', message: parsed.message }, undefined);
      return;
    }
    const resolved = await this.resolve(key, obj.metadata.generation ?? 0, parsed.spec);
    if (!resolved.ok) {
      await this.writeStatus(obj, st, { ready: false, reason: resolved.reason, message: resolved.message }, undefined);
      if (resolved.reason !== 'InvalidSpec') this.requeue(key, st, backoffDelay(st.failures++, this.o.random));
      return;
    }
    const spec = resolved.spec;
    // targetGroupARN and targetType are immutable (as in the AWS Load Balancer Controller): the
    // targets already registered belong to the group the status names. A changed spec is refused
    // and nothing is touched; the CRD's CEL rule refuses it earlier on a real API server.
    const bound = obj.status as { targetGroupARN?: string; targetType?: string } | undefined;
    if (
      !obj.metadata.deletionTimestamp &&
      bound?.targetGroupARN &&
      (bound.targetGroupARN !== spec.targetGroupARN || (bound.targetType && bound.targetType !== spec.targetType))
    ) {
      const message = `targetGroupARN and targetType are immutable: this binding registers ${bound.targetType ?? 'its'} targets in ${bound.targetGroupARN} (got ${spec.targetType} ${spec.targetGroupARN}); delete the binding and create a new one to move`;
      await this.writeStatus(obj, st, { ready: false, reason: 'InvalidSpec', message }, undefined);
      return;
    }
    const deps: ReconcileDeps = {
      tg: this.portOf(spec),
      ownership: this.view.ownership(namespace),
      guard: this.o.guard,
      classify: this.o.classify,
    };
    if (obj.metadata.deletionTimestamp) {
      await this.finalize(obj, spec, deps, log);
      return;
    }
    if (!(obj.metadata.finalizers ?? []).includes(FINALIZER)) {
      await this.view.setFinalizers(namespace, name, [...(obj.metadata.finalizers ?? []), FINALIZER]);
    }

    const gate = gateConditionType(name, obj.apiVersion);
    const service = this.view.service(namespace, spec.serviceRef.name);
    const desired = desiredTargets(
      spec,
      service,
      this.view.slicesOf(namespace, spec.serviceRef.name),
      this.view.podsIn(namespace),
      spec.targetType === 'instance' ? this.view.nodes() : [],
      gate,
    );
    const r = await reconcileBinding(deps, spec, desired, st.checkpoint);
    this.stats.reconciles++;
    this.stats.awsCalls += r.calls;
    st.checkpoint = r.checkpoint;
    this.observe(key, namespace, spec, r);
    if (r.registered || r.deregistered)
      log.info({ msg: 'targets changed', registered: r.registered, deregistered: r.deregistered });
    await this.writeStatus(obj, st, r, r.states, { targetGroupARN: spec.targetGroupARN, targetType: spec.targetType });
    if (r.targets) await this.updateGates(namespace, spec, gate, r.targets);

    if (!r.ready) {
      this.stats.failures++;
      st.failures++;
      const delay = r.requeueAfterMs ?? backoffDelay(st.failures - 1, this.o.random);
      log.warn({ msg: 'reconcile failed', reason: r.reason, detail: r.message, retryInMs: delay });
      this.requeue(key, st, delay);
    } else {
      st.failures = 0;
      // A timed look-again is a verification pass: it reads target health even if nothing in the
      // cluster changed.
      const again = r.requeueAfterMs ?? this.o.healthRefreshMs;
      if (again) this.requeue(key, st, again, true);
    }
  }

  /** The port a binding's calls go through: the agent's own, or one as its `iamRoleArnToAssume`. */
  private portOf(b: Pick<BindingSpec, 'assumeRole'>): TargetGroupPort {
    if (!b.assumeRole) return this.tg;
    if (!this.o.portFor) throw new Error('internal: no port for assumed roles');
    return this.o.portFor(b.assumeRole);
  }

  /**
   * Completes a binding from its target group, once per generation: the ARN of a
   * `targetGroupName`, and the target type when the binding leaves it out (as the AWS Load
   * Balancer Controller does, from the group's TargetType).
   */
  private async resolve(
    key: string,
    generation: number,
    raw: RawBinding,
  ): Promise<{ ok: true; spec: BindingSpec } | { ok: false; reason: FailureReason; message: string }> {
    const cached = this.resolved.get(key);
    if (cached && cached.generation === generation) return { ok: true, spec: cached.spec };
    let arn = raw.targetGroupARN;
    let type = raw.targetType;
    if (!arn || !type) {
      const ref = arn ? { arn } : { name: raw.targetGroupName! };
      let group: Awaited<ReturnType<TargetGroupPort['describeGroup']>>;
      try {
        group = await this.portOf(raw).describeGroup(ref);
      } catch (e) {
        return { ok: false, reason: this.o.classify(e), message: e instanceof Error ? e.message : String(e) };
      }
      if (!group) {
        return {
          ok: false,
          reason: 'TargetGroupNotFound',
          message: `target group ${arn ?? raw.targetGroupName} not found`,
        };
      }
      arn = group.arn;
      if (!type) {
        if (group.targetType !== 'ip' && group.targetType !== 'instance') {
          return {
            ok: false,
            reason: 'InvalidSpec',
            message: `target group ${group.name} has TargetType ${group.targetType}; a binding registers ip or instance targets`,
          };
        }
        type = group.targetType;
      }
    }
    const spec: BindingSpec = { ...raw, targetGroupARN: arn, targetType: type };
    delete (spec as RawBinding).targetGroupName;
    this.resolved.set(key, { generation, spec });
    return { ok: true, spec };
  }

  private observe(key: string, namespace: string, spec: BindingSpec, r: ReconcileResult): void {
    const m = this.o.metrics;
    if (!m) return;
    m.reconciles.inc({ result: r.reason });
    if (r.states) {
      const states = new Set([
        'healthy',
        'unhealthy',
        'initial',
        'unused',
        'draining',
        'unavailable',
        ...Object.keys(r.states),
      ]);
      for (const state of states) m.targets.set({ binding: key, state }, r.states[state] ?? 0);
    }
    if (!r.newTargets?.length) return;
    const byIp = new Map<string, string>();
    for (const s of this.view.slicesOf(namespace, spec.serviceRef.name)) {
      for (const e of s.endpoints) if (e.pod && e.addresses[0]) byIp.set(e.addresses[0], e.pod);
    }
    const pods = this.view.podsIn(namespace);
    for (const t of r.newTargets) {
      const readyAt = pods.get(byIp.get(t.id) ?? '')?.containersReadyAt;
      if (readyAt !== undefined) m.readyToRegistered.observe(Math.max(0, this.o.clock.now() - readyAt) / 1000);
    }
  }

  /** Deleting a binding deregisters exactly its targets, then lets it go. */
  private async finalize(
    obj: NonNullable<ReturnType<ClusterView['binding']>>,
    spec: BindingSpec,
    deps: ReconcileDeps,
    log: Logger,
  ): Promise<void> {
    const finalizers = obj.metadata.finalizers ?? [];
    if (!finalizers.includes(FINALIZER)) return;
    const r = await reconcileBinding(deps, spec, { ok: true, targets: [], waitingOnGate: [] }, undefined);
    if (!r.ready && r.reason !== 'TargetGroupNotFound' && r.reason !== 'Forbidden') {
      log.warn({ msg: 'deregistration on delete failed; retrying', reason: r.reason, detail: r.message });
      const st = this.state.get(`${obj.metadata.namespace}/${obj.metadata.name}`)!;
      st.failures++;
      this.requeue(`${obj.metadata.namespace}/${obj.metadata.name}`, st, backoffDelay(st.failures - 1, this.o.random));
      return;
    }
    log.info({ msg: 'binding deleted; targets deregistered', deregistered: r.deregistered });
    await this.view.setFinalizers(
      obj.metadata.namespace,
      obj.metadata.name,
      finalizers.filter((f) => f !== FINALIZER),
    );
  }

  /** Schedules one look-again (replacing any earlier one: a binding has at most one timer). */
  private requeue(key: string, st: BindingState, ms: number, verify = false): void {
    st.cancelRequeue?.();
    st.cancelRequeue = this.o.clock.setTimeout(() => {
      st.cancelRequeue = undefined;
      if (verify) st.checkpoint = undefined;
      this.enqueue(key);
    }, ms);
  }

  private async writeStatus(
    obj: NonNullable<ReturnType<ClusterView['binding']>>,
    st: BindingState,
    r: Pick<ReconcileResult, 'ready' | 'reason' | 'message'>,
    states: Record<string, number> | undefined,
    /** The target group and type the binding's targets are registered in (recorded once). */
    bound?: { targetGroupARN: string; targetType: string },
  ): Promise<void> {
    const c = states ? targetCounts(states) : undefined;
    const counts = c ? { registeredTargets: c.registered, healthyTargets: c.healthy } : {};
    const fingerprint = JSON.stringify([
      obj.metadata.generation,
      r.ready,
      r.reason,
      r.message === 'unchanged' ? '' : r.message,
      counts,
    ]);
    if (fingerprint === st.lastStatus || (r.message === 'unchanged' && st.lastStatus)) return;
    const previous = st.lastStatus ? (JSON.parse(st.lastStatus) as unknown[])[2] : undefined;
    st.lastStatus = fingerprint;
    const now = new Date(this.o.clock.now()).toISOString();
    await this.view.patchBindingStatus(obj.metadata.namespace, obj.metadata.name, {
      observedGeneration: obj.metadata.generation ?? 0,
      conditions: [
        {
          type: 'Ready',
          status: r.ready ? 'True' : 'False',
          reason: r.reason,
          message: r.message,
          lastTransitionTime: now,
        },
      ],
      ...counts,
      ...(bound ? bound : {}),
      lastError: r.ready ? null : r.message,
    });
    if (previous !== r.reason) {
      await this.view
        .event(obj, r.ready ? 'Normal' : 'Warning', r.reason, r.message)
        .catch((e) => this.o.log.warn({ msg: 'event not recorded', err: e }));
    }
  }

  /** Sets each gated pod's condition from its target's health. */
  private async updateGates(
    namespace: string,
    spec: BindingSpec,
    gate: string,
    targets: ReadonlyArray<{ id: string; port: number; state: string; reason?: string; description?: string }>,
  ): Promise<void> {
    if (spec.targetType !== 'ip') return;
    const service = this.view.service(namespace, spec.serviceRef.name);
    const servicePort = service && resolveServicePort(spec, service);
    if (!servicePort) return;
    const health = new Map(targets.map((t) => [targetKey(t), t]));
    // Read the namespace's pods once: podsIn converts every cached pod, so calling it per endpoint
    // made a pass cost endpoints × pods (seconds per binding with thousands of pods).
    const pods = this.view.podsIn(namespace);
    for (const slice of this.view.slicesOf(namespace, spec.serviceRef.name)) {
      for (const e of slice.endpoints) {
        if (!e.pod || e.terminating) continue;
        const pod = pods.get(e.pod);
        if (!pod?.readinessGates.includes(gate)) continue;
        const port = slice.ports.find((p) => (p.name ?? '') === (servicePort.name ?? ''))?.port;
        const t: Target | undefined = e.addresses[0] && port !== undefined ? { id: e.addresses[0], port } : undefined;
        const g = gateStatus(t ? health.get(targetKey(t)) : undefined, true);
        if (pod.conditions[gate] === g.status) continue;
        await this.view
          .setPodCondition(namespace, pod.name, { type: gate, ...g })
          .catch((err) => this.o.log.warn({ msg: 'readiness gate not set', pod: pod.name, err }));
      }
    }
  }
}
