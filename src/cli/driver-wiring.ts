import { hostname, userInfo } from 'node:os';
import { TagStatePort } from '../aws/driver-state.ts';
import { createAwsClients, createAwsPorts } from '../aws/index.ts';
import { GateEvaluator } from '../engine/gate-evaluator.ts';
import type { BindingPort, DriverPorts } from '../engine/ports.ts';
import type { Plan } from '../plan/plan-types.ts';
import type { Clock } from '../util/clock.ts';

/** The lease lasts this long unless renewed (a third of it between renewals). */
export const LEASE_TTL_MS = 60_000;

/**
 * The driver's ports over the AWS SDK (standard credential chain, the rollout's region,
 * AWS_ENDPOINT_URL_* honoured by the SDK). Wiring only: each port is an adapter of src/aws/ or
 * the engine's gate evaluator over them.
 */
export function createDriverPorts(
  plan: Plan,
  clock: Clock,
  /** For an embedded sandbox (`cutover demo`): its endpoint and dummy credentials. */
  local?: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } },
  /** The clusters' TargetGroupBindings for preflight (src/kube/binding-status.ts). */
  bindings?: BindingPort,
): { ports: DriverPorts; close(): void } {
  const clients = createAwsClients({ region: plan.region, clock, ...local });
  const aws = createAwsPorts(clients, { clock, leaseTtlMs: LEASE_TTL_MS });
  const ports: DriverPorts = {
    traffic: {
      readWeights: async (route) => (await aws.forward.readForward(route)).weights,
      writeWeights: async (route, weights) => (await aws.forward.setWeights(route, weights)).weights,
    },
    health: {
      targetCounts: async (tg) => {
        const h = await aws.health.describeTargetHealth(tg);
        return { healthy: h.counts.healthy, registered: h.active };
      },
    },
    gates: new GateEvaluator(plan, aws, clock.now()),
    state: new TagStatePort(plan.routes, aws.state, aws.lease, aws.tags, clock),
    ...(bindings ? { bindings } : {}),
  };
  return { ports, close: () => clients.destroy() };
}

/** Who drives: `user@host/pid`, shown to a second operator whose run is refused. */
export function holderName(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  return `${user}@${hostname()}/${process.pid}`;
}
