import { CutoverError } from '../errors.ts';
import type { Tags, TargetGroupWeights } from './ports.ts';
import { badRecord, cutToField, decodeRecord, encodeRecord } from './tag-record.ts';

/**
 * The driver's state and lease as tags on each route's listener or rule (tag-record.ts has the
 * text form). Everything `cutover status`, `resume` and `abort` need from any machine:
 *
 *   cutover.dev/state  v1 rollout=edge-1-31 hash=<sha256 hex> route=web step=2 phase=baking
 *                      at=<ms> gen=<lease generation> tg.web-blue/a88fa8f6584adf66=95 tg.web-green/…=5
 *   cutover.dev/lease  v1 holder=alice@laptop/4242 gen=7 exp=<ms> acq=<ms>
 *
 * Target groups are written as `<name>/<id>` (the ARN's resource part without `targetgroup/`):
 * a listener's target groups are in its own partition, region and account, so the ARN is rebuilt
 * from the route's ARN. Five groups with 32-character names and a 63-character rollout name take
 * about 550 characters: three tag values.
 */
export const STATE_TAG = 'cutover.dev/state';
export const LEASE_TAG = 'cutover.dev/lease';

/** The driver's phases (ARCHITECTURE.md §2). */
export const ROLLOUT_PHASES = [
  'starting',
  'preflight',
  'shifting',
  'verifying',
  'baking',
  'awaitingApproval',
  'paused',
  'rollingBack',
  'rolledBack',
  'aborted',
  'completed',
  'failed',
] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];

export interface RouteState {
  rollout: string;
  /** The spec hash (sha256 hex) of the rollout that wrote this. */
  specHash: string;
  route: string;
  /** Index of the step in `spec.steps`; -1 before the first step. */
  step: number;
  phase: RolloutPhase;
  /** Target group ARN → the weight cutover last wrote (the drift check compares against it). */
  weights: TargetGroupWeights;
  updatedAt: number;
  /** The lease generation of the writer (a fencing token: a stale writer's state is recognisable). */
  leaseGeneration: number;
  /** While shifting: the weights being written, so a resumed driver can tell whether they landed. */
  target?: TargetGroupWeights;
  /** When the live split of `step` was read back (ms); a resumed bake counts from here. */
  verifiedAt?: number;
  /** Why the rollout paused, rolled back or failed (cut to REASON_MAX characters, fewer when they escape long). */
  reason?: string;
}

/** Longest reason kept in the state (tag values are short; the logs keep the whole text). */
export const REASON_MAX = 160;

export interface Lease {
  /** Who holds it, e.g. `alice@laptop/4242`. */
  holder: string;
  generation: number;
  expiresAt: number;
  acquiredAt: number;
}

const ARN_HEAD = /^(arn:[^:]+:elasticloadbalancing:[^:]+:\d{12}:)/;
const TG_PART = /^targetgroup\/([A-Za-z0-9-]{1,32}\/[0-9a-f]{16})$/;

function arnHead(routeArn: string): string {
  const m = ARN_HEAD.exec(routeArn);
  if (!m) throw new CutoverError('E_BAD_ARN', 'not an ELBv2 ARN', { value: routeArn });
  return m[1]!;
}

export function encodeRouteState(routeArn: string, s: RouteState): Tags {
  const head = arnHead(routeArn);
  const groupFields = (prefix: string, ws: TargetGroupWeights) =>
    Object.entries(ws).map(([arn, w]): [string, string] => {
      const part = arn.startsWith(head) ? TG_PART.exec(arn.slice(head.length)) : null;
      if (!part) {
        throw new CutoverError(
          'E_STATE_ENCODE',
          `target group ${arn} is not in the account and region of ${routeArn}`,
          {
            value: arn,
            hint: 'a forward action can only use target groups of its load balancer’s account and region',
          },
        );
      }
      return [`${prefix}${part[1]}`, String(w)];
    });
  const weights = groupFields('tg.', s.weights);
  const optional: Array<[string, string]> = [
    ...(s.target ? groupFields('to.', s.target) : []),
    ...(s.verifiedAt !== undefined ? [['ver', String(s.verifiedAt)] as [string, string]] : []),
    ...(s.reason ? [['why', cutToField('why', s.reason.slice(0, REASON_MAX))] as [string, string]] : []),
  ];
  return encodeRecord(STATE_TAG, [
    ['rollout', s.rollout],
    ['hash', s.specHash],
    ['route', s.route],
    ['step', String(s.step)],
    ['phase', s.phase],
    ['at', String(s.updatedAt)],
    ['gen', String(s.leaseGeneration)],
    ...weights,
    ...optional,
  ]);
}

export function encodeLease(l: Lease): Tags {
  return encodeRecord(LEASE_TAG, [
    ['holder', l.holder],
    ['gen', String(l.generation)],
    ['exp', String(l.expiresAt)],
    ['acq', String(l.acquiredAt)],
  ]);
}

/** Reads fields strictly: each wanted once, nothing else, every value of its type. */
class FieldReader {
  private readonly used = new Set<string>();
  constructor(
    private readonly arn: string,
    private readonly key: string,
    private readonly fields: Map<string, string>,
  ) {}

  text(name: string, pattern: RegExp, what: string): string {
    const v = this.fields.get(name);
    this.used.add(name);
    if (v === undefined) throw badRecord(this.arn, this.key, undefined, `lacks the field ${name}`);
    if (!pattern.test(v)) throw badRecord(this.arn, this.key, v, `has a ${name} that is not ${what}`);
    return v;
  }

  /** An optional integer field: undefined when absent. */
  optInt(name: string, min: number): number | undefined {
    if (this.fields.has(name)) return this.int(name, min);
    this.used.add(name);
    return undefined;
  }

  /** An optional text field: undefined when absent. */
  optText(name: string): string | undefined {
    this.used.add(name);
    return this.fields.get(name);
  }

  int(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const n = Number(this.text(name, /^-?\d{1,16}$/, 'an integer'));
    if (n < min || n > max) throw badRecord(this.arn, this.key, String(n), `has a ${name} outside ${min}–${max}`);
    return n;
  }

  /** Fields whose name starts with `prefix`, marked used. */
  withPrefix(prefix: string): Array<[string, string]> {
    const out = [...this.fields].filter(([k]) => k.startsWith(prefix));
    for (const [k] of out) this.used.add(k);
    return out;
  }

  done(): void {
    const extra = [...this.fields.keys()].filter((k) => !this.used.has(k));
    if (extra.length) throw badRecord(this.arn, this.key, undefined, `has unknown fields: ${extra.join(', ')}`);
  }
}

const NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;

export function decodeRouteState(routeArn: string, tags: Tags): RouteState | undefined {
  const fields = decodeRecord(routeArn, STATE_TAG, tags);
  if (!fields) return undefined;
  const r = new FieldReader(routeArn, STATE_TAG, fields);
  const head = arnHead(routeArn);
  const state: RouteState = {
    rollout: r.text('rollout', NAME, 'a rollout name'),
    specHash: r.text('hash', /^[0-9a-f]{64}$/, 'a sha256 hex digest'),
    route: r.text('route', NAME, 'a route name'),
    step: r.int('step', -1, 9999),
    phase: r.text(
      'phase',
      new RegExp(`^(${ROLLOUT_PHASES.join('|')})$`),
      `one of ${ROLLOUT_PHASES.join(', ')}`,
    ) as RolloutPhase,
    updatedAt: r.int('at', 0),
    leaseGeneration: r.int('gen', 0),
    weights: {},
  };
  const groups = (prefix: string): TargetGroupWeights => {
    const out: TargetGroupWeights = {};
    for (const [k, v] of r.withPrefix(prefix)) {
      const part = TG_PART.exec(`targetgroup/${k.slice(prefix.length)}`);
      if (!part || !/^\d{1,3}$/.test(v) || Number(v) > 999) {
        throw badRecord(
          routeArn,
          STATE_TAG,
          `${k}=${v}`,
          'has a target group weight that is not <name>/<16 hex>=0–999',
        );
      }
      out[`${head}targetgroup/${part[1]}`] = Number(v);
    }
    return out;
  };
  state.weights = groups('tg.');
  const target = groups('to.');
  if (Object.keys(target).length) state.target = target;
  const verifiedAt = r.optInt('ver', 0);
  if (verifiedAt !== undefined) state.verifiedAt = verifiedAt;
  const reason = r.optText('why');
  if (reason !== undefined) state.reason = reason;
  r.done();
  return state;
}

export function decodeLease(arn: string, tags: Tags): Lease | undefined {
  const fields = decodeRecord(arn, LEASE_TAG, tags);
  if (!fields) return undefined;
  const r = new FieldReader(arn, LEASE_TAG, fields);
  const lease = {
    holder: r.text('holder', /^.{1,128}$/su, '1–128 characters'),
    generation: r.int('gen', 1),
    expiresAt: r.int('exp', 0),
    acquiredAt: r.int('acq', 0),
  };
  r.done();
  return lease;
}
