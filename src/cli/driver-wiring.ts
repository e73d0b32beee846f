import { hostname, userInfo } from 'node:os';
import { explainAccount } from '../aws/account.ts';
import { environmentRegion } from '../aws/clients.ts';
import { TagStatePort } from '../aws/driver-state.ts';
import { createAwsClients, createAwsPorts } from '../aws/index.ts';
import { GateEvaluator } from '../engine/gate-evaluator.ts';
import type { BindingPort, DriverPorts } from '../engine/ports.ts';
import { CutoverError } from '../errors.ts';
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
): {
  ports: DriverPorts;
  /** An error of the run said again when it comes from ARNs of another account (src/aws/account.ts). */
  explain(error: unknown): Promise<unknown>;
  close(): void;
} {
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
  const arns = plan.routes.flatMap((r) => [r.arn, ...Object.values(r.targetGroups)]);
  return { ports, explain: (e) => explainAccount(clients, e, arns), close: () => clients.destroy() };
}

/** The longest holder a lease tag keeps (src/aws/state-codec.ts). */
const MAX_HOLDER_CHARS = 128;

/**
 * Who drives: `user@host/pid`, shown to a second operator whose run is refused. With
 * CUTOVER_HOLDER set, that name instead: one that stays the same when the same run starts again
 * (a Kubernetes Job's next pod, a re-run CI job), so the new process takes over its own lease at
 * once rather than being refused until a killed process's lease lapses. Two processes under one
 * name cannot both drive: the lease's generation fences the older one off before its next write.
 */
export function holderName(env: NodeJS.ProcessEnv = {}): string {
  const fixed = env.CUTOVER_HOLDER;
  if (fixed !== undefined) {
    const chars = [...fixed].length;
    if (fixed.trim() === '' || chars > MAX_HOLDER_CHARS) {
      throw new CutoverError('E_BAD_HOLDER', `CUTOVER_HOLDER must be 1–${MAX_HOLDER_CHARS} characters`, {
        value: fixed,
        hint: 'name the run, e.g. job/<namespace>/<job name>, or unset it to hold the lease as user@host/pid',
      });
    }
    return fixed;
  }
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  return `${user}@${hostname()}/${process.pid}`;
}

/**
 * A warning when the AWS environment names another region than the rollout. The driver works in
 * `spec.region` whatever AWS_REGION or the profile says (the rollout's ARNs are there, and a
 * stray shell setting must not point it elsewhere); saying so spares a user wondering which one
 * `cutover run` used. Undefined when they agree or the environment names none.
 */
export async function regionWarning(plan: Plan, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const region = await environmentRegion();
  if (region === undefined || region === plan.region) return undefined;
  const source = env.AWS_REGION === region ? 'AWS_REGION is' : `profile ${env.AWS_PROFILE || 'default'} has region`;
  return `${source} ${region}, but rollout ${plan.name} is in ${plan.region} (spec.region, where its ARNs are): cutover works in ${plan.region}`;
}
