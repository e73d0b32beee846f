import { CoordinationV1Api, type KubeConfig, V1MicroTime } from '@kubernetes/client-node';
import type { Clock } from '../util/clock.ts';

/**
 * Leader election on a coordination.k8s.io Lease, as client-go's leaderelection does it: the
 * holder renews `spec.renewTime` every `renewMs`; another candidate takes the Lease only after
 * `leaseDurationSeconds` without a renewal. Every write carries the Lease's resourceVersion, so
 * two candidates racing for an expired Lease cannot both win (the loser gets 409 Conflict).
 */
export interface LeaderOptions {
  kc: KubeConfig;
  namespace: string;
  name: string;
  identity: string;
  clock: Clock;
  leaseDurationSeconds?: number;
  renewMs?: number;
  retryMs?: number;
  /**
   * Told when a round fails for a reason other than losing a race (409 Conflict): a Lease the
   * ServiceAccount may not read or write, a namespace that does not exist, an unreachable API
   * server. Called once per distinct reason (again after a round succeeds), not every retry.
   */
  onError?: (e: unknown) => void;
}

export interface Leadership {
  /** Resolves once this candidate leads. */
  acquired: Promise<void>;
  /** Resolves if leadership is lost after being acquired (the caller should stop and exit). */
  lost: Promise<string>;
  /** Stops campaigning; releases the Lease if held (so a standby takes over at once). */
  stop(): Promise<void>;
}

export function campaign(o: LeaderOptions): Leadership {
  const api = o.kc.makeApiClient(CoordinationV1Api);
  const duration = o.leaseDurationSeconds ?? 15;
  const renewMs = o.renewMs ?? 5_000;
  const retryMs = o.retryMs ?? 2_000;
  let leading = false;
  let lastRenew = 0;
  let stopped = false;
  let lastError = '';
  let cancel = () => {};
  let onAcquired!: () => void;
  let onLost!: (why: string) => void;
  const acquired = new Promise<void>((r) => (onAcquired = r));
  const lost = new Promise<string>((r) => (onLost = r));

  const now = () => new V1MicroTime(o.clock.now());
  const tryOnce = async (): Promise<boolean> => {
    let lease: Awaited<ReturnType<typeof api.readNamespacedLease>> | undefined;
    try {
      lease = await api.readNamespacedLease({ name: o.name, namespace: o.namespace });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
    if (!lease) {
      await api.createNamespacedLease({
        namespace: o.namespace,
        body: {
          metadata: { name: o.name, namespace: o.namespace },
          spec: {
            holderIdentity: o.identity,
            leaseDurationSeconds: duration,
            acquireTime: now(),
            renewTime: now(),
            leaseTransitions: 0,
          },
        },
      });
      return true;
    }
    const spec = lease.spec ?? {};
    const renewed = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
    const expired = o.clock.now() > renewed + (spec.leaseDurationSeconds ?? duration) * 1000;
    const mine = spec.holderIdentity === o.identity;
    if (!mine && !expired && spec.holderIdentity) return false;
    await api.replaceNamespacedLease({
      name: o.name,
      namespace: o.namespace,
      body: {
        ...lease,
        spec: {
          ...spec,
          holderIdentity: o.identity,
          leaseDurationSeconds: duration,
          renewTime: now(),
          ...(mine ? {} : { acquireTime: now(), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
        },
      },
    });
    return true;
  };

  const loop = async () => {
    if (stopped) return;
    let held = false;
    try {
      held = await tryOnce();
      lastError = '';
    } catch (e) {
      held = false; // a conflict or an unreachable API server: not leading this round
      const code = (e as { code?: number }).code;
      // By status code when there is one: an API exception's message carries its response headers
      // (a new Date each time), so the same refusal would never look the same twice.
      const reason = code !== undefined ? `HTTP ${code}` : e instanceof Error ? e.message : String(e);
      if (code !== 409 && reason !== lastError) o.onError?.(e);
      if (code !== 409) lastError = reason;
    }
    if (held) lastRenew = o.clock.now();
    if (held && !leading) {
      leading = true;
      onAcquired();
    } else if (!held && leading && o.clock.now() - lastRenew > (duration * 1000 * 2) / 3) {
      // Past the renew deadline (two thirds of the lease): another candidate may take over soon,
      // so stop acting as leader before it can.
      leading = false;
      onLost(`lease ${o.namespace}/${o.name} not renewed for ${Math.round((o.clock.now() - lastRenew) / 1000)}s`);
      return;
    }
    if (!stopped) cancel = o.clock.setTimeout(() => void loop(), leading ? renewMs : retryMs);
  };
  void loop();

  return {
    acquired,
    lost,
    stop: async () => {
      stopped = true;
      cancel();
      if (!leading) return;
      try {
        const lease = await api.readNamespacedLease({ name: o.name, namespace: o.namespace });
        if (lease.spec?.holderIdentity === o.identity) {
          await api.replaceNamespacedLease({
            name: o.name,
            namespace: o.namespace,
            body: { ...lease, spec: { ...lease.spec, holderIdentity: '', renewTime: new V1MicroTime(0) } },
          });
        }
      } catch {
        // The Lease expires on its own.
      }
    },
  };
}
