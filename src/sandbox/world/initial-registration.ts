/**
 * Which pods the scenario's `registered:` entries put into target groups at start. Pure: shared by
 * the cluster's start-up (which pods get their readiness gates True) and the world's registration.
 */
import type { InitialRegistration, ServiceDef, WorkloadDef } from '../scenario/types.ts';
import { targetPortOf } from './endpoint-slices.ts';
import { selectorMatches } from './kube-objects.ts';

/** The Service port a registration names (by number or name), or the Service's first port. */
export function registeredServicePort<P extends { port: number; name?: string }>(
  ports: readonly P[],
  port: number | string | undefined,
): P | undefined {
  return port === undefined ? ports[0] : ports.find((p) => p.port === port || p.name === port);
}

/**
 * Whether the pods of a workload are registered at start by one of a cluster's `registrations`:
 * the named Service selects them and its port resolves on them. Only such pods start with their
 * readiness-gate conditions True, as the controller that registered them would have left them;
 * any other pod with a gate waits, not Ready, until a client sets the condition.
 */
export function registeredAtStart(
  w: WorkloadDef,
  services: readonly ServiceDef[],
  registrations: readonly InitialRegistration[],
): boolean {
  return registrations.some((r) => {
    if (r.namespace !== w.namespace) return false;
    const svc = services.find((s) => s.namespace === r.namespace && s.name === r.service);
    if (!svc || !selectorMatches(svc.selector, w.labels)) return false;
    const sp = registeredServicePort(svc.ports, r.port);
    return sp !== undefined && targetPortOf(sp, w.containerPorts) !== undefined;
  });
}
