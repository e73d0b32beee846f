import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeLease,
  decodeRouteState,
  encodeLease,
  encodeRouteState,
  type Lease,
  ROLLOUT_PHASES,
  type RouteState,
  STATE_TAG,
} from '../../src/aws/state-codec.ts';
import {
  checkTags,
  decodeRecord,
  encodeRecord,
  escapeTagText,
  TAG_KEY_MAX,
  TAG_PATTERN,
  TAG_VALUE_MAX,
  unescapeTagText,
} from '../../src/aws/tag-record.ts';
import { seeded as mulberry32 } from '../plan/random.ts';

const HEAD = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:';
const LISTENER = `${HEAD}listener/app/edge/0123456789abcdef/fedcba9876543210`;
const hex = (rnd: () => number, n: number) =>
  Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
const tgArn = (name: string, id: string) => `${HEAD}targetgroup/${name}/${id}`;

/** The largest state the spec allows: 63-character names, 5 clusters with 32-character group names. */
function biggestState(rnd: () => number, route = 'r'.repeat(63)): RouteState {
  const weights: Record<string, number> = {};
  for (let c = 0; c < 5; c++) weights[tgArn(`${c}${'g'.repeat(30)}${c}`, hex(rnd, 16))] = 999;
  return {
    rollout: `${'a'.repeat(31)}.${'b'.repeat(31)}`,
    specHash: hex(rnd, 64),
    route,
    step: 9999,
    phase: 'awaitingApproval',
    weights,
    updatedAt: 8_640_000_000_000,
    leaseGeneration: Number.MAX_SAFE_INTEGER,
  };
}

/** Every tag within ELBv2's rules: key ≤ 128, value ≤ 256, the allowed alphabet. */
function assertWithinLimits(tags: Record<string, string>): void {
  for (const [k, v] of Object.entries(tags)) {
    assert.ok(k.length >= 1 && k.length <= TAG_KEY_MAX, `key ${k}`);
    assert.ok(v.length <= TAG_VALUE_MAX, `value of ${k} has ${v.length} characters`);
    assert.match(k, TAG_PATTERN);
    assert.match(v, TAG_PATTERN);
  }
}

describe('route state tags', () => {
  it('round-trips the largest state (5 clusters, longest names) within the tag limits, in a few tags', () => {
    // GIVEN
    const state = biggestState(mulberry32(1));
    // WHEN
    const tags = encodeRouteState(LISTENER, state);
    // THEN
    assertWithinLimits(tags);
    assert.ok(Object.keys(tags).length <= 4, `${Object.keys(tags).length} tags`);
    assert.match(tags[STATE_TAG]!, /^v1\/\d /);
    assert.deepEqual(decodeRouteState(LISTENER, tags), state);
    checkTags(LISTENER, tags);
  });

  it('fits a small state in one tag value that a person can read', () => {
    const state: RouteState = {
      rollout: 'edge-1-31',
      specHash: 'ab'.repeat(32),
      route: 'web',
      step: -1,
      phase: 'preflight',
      weights: { [tgArn('web-blue', 'a88fa8f6584adf66')]: 100, [tgArn('web-green', '761fbf0b36bfccac')]: 0 },
      updatedAt: 1_767_268_800_000,
      leaseGeneration: 3,
    };
    const tags = encodeRouteState(LISTENER, state);
    assert.deepEqual(Object.keys(tags), [STATE_TAG]);
    assert.equal(
      tags[STATE_TAG],
      `v1 rollout=edge-1-31 hash=${'ab'.repeat(32)} route=web step=-1 phase=preflight at=1767268800000 gen=3 ` +
        'tg.web-blue/a88fa8f6584adf66=100 tg.web-green/761fbf0b36bfccac=0',
    );
    assert.deepEqual(decodeRouteState(LISTENER, tags), state);
  });

  it('round-trips random states and leases (property-style, 300 cases)', () => {
    const rnd = mulberry32(42);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const name = (n: number) =>
      Array.from({ length: n }, (_, i) => (i === 0 || i === n - 1 ? pick([...'abc019']) : pick([...'abcz09-.']))).join(
        '',
      );
    for (let i = 0; i < 300; i++) {
      const weights: Record<string, number> = {};
      const clusters = 2 + Math.floor(rnd() * 4);
      for (let c = 0; c < clusters; c++)
        weights[tgArn(`tg-${c}-${hex(rnd, 1 + Math.floor(rnd() * 20))}`, hex(rnd, 16))] = Math.floor(rnd() * 1000);
      const state: RouteState = {
        rollout: name(1 + Math.floor(rnd() * 63)),
        specHash: hex(rnd, 64),
        route: name(1 + Math.floor(rnd() * 63)).replaceAll('.', '-'),
        step: Math.floor(rnd() * 50) - 1,
        phase: pick(ROLLOUT_PHASES),
        weights,
        updatedAt: Math.floor(rnd() * 2e12),
        leaseGeneration: Math.floor(rnd() * 1e6),
      };
      const stateTags = encodeRouteState(LISTENER, state);
      assertWithinLimits(stateTags);
      assert.deepEqual(decodeRouteState(LISTENER, stateTags), state);
      // Holders may hold any character: spaces, backslashes, emoji, '+' and '='.
      const holder = Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => pick([...'aZ9 _.:/=+-@\\%,;"é✓😀'])).join(
        '',
      );
      const lease: Lease = {
        holder,
        generation: 1 + Math.floor(rnd() * 1e9),
        expiresAt: Math.floor(rnd() * 2e12),
        acquiredAt: Math.floor(rnd() * 2e12),
      };
      const leaseTags = encodeLease(lease);
      assertWithinLimits(leaseTags);
      assert.deepEqual(decodeLease(LISTENER, leaseTags), lease);
    }
  });

  it('escapes reversibly: every string comes back, and the escaped form uses only safe characters', () => {
    for (const s of ['', 'plain', 'a b', '+', '++2b+', 'x=y', 'é', '😀', 'back\\slash', '%20', '\n']) {
      const e = escapeTagText(s);
      assert.match(e, /^[A-Za-z0-9_.:/@=+-]*$/);
      assert.equal(unescapeTagText(e), s);
    }
    assert.equal(unescapeTagText('+zz+'), undefined);
    assert.equal(unescapeTagText('unclosed+41'), undefined);
  });

  it('splits a long record at field boundaries and refuses a field too long for one value', () => {
    const fields = Array.from({ length: 40 }, (_, i) => [`f${i}`, 'x'.repeat(20)] as const);
    const tags = encodeRecord('cutover.dev/test', fields);
    assertWithinLimits(tags);
    assert.ok(Object.keys(tags).length > 3);
    assert.deepEqual([...decodeRecord(LISTENER, 'cutover.dev/test', tags)!], fields);
    assert.throws(
      () => encodeRecord('cutover.dev/test', [['holder', 'h'.repeat(300)]]),
      (e: any) => e.code === 'E_TAG_TOO_LONG' && /holder of cutover.dev\/test/.test(e.message),
    );
  });
});

describe('strict decoding: a tag that does not parse is a clear error, never a crash', () => {
  const good = encodeRouteState(LISTENER, {
    rollout: 'r',
    specHash: 'c'.repeat(64),
    route: 'web',
    step: 0,
    phase: 'baking',
    weights: { [tgArn('web-blue', 'a88fa8f6584adf66')]: 5 },
    updatedAt: 1,
    leaseGeneration: 1,
  });
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['no version', { [STATE_TAG]: 'rollout=r' }, /does not start with a version/],
    ['a newer version', { [STATE_TAG]: 'v2 rollout=r' }, /version v2, which this cutover cannot read/],
    ['a missing part', { [STATE_TAG]: 'v1/2 rollout=r' }, /cutover.dev\/state.2 .* is missing/],
    ['a token without =', { [STATE_TAG]: `${good[STATE_TAG]} junk` }, /not key=value/],
    ['a field twice', { [STATE_TAG]: `${good[STATE_TAG]} step=1` }, /field step twice/],
    ['an unknown field', { [STATE_TAG]: `${good[STATE_TAG]} colour=red` }, /unknown fields: colour/],
    ['a missing field', { [STATE_TAG]: good[STATE_TAG]!.replace(/ phase=\w+/, '') }, /lacks the field phase/],
    [
      'a bad phase',
      { [STATE_TAG]: good[STATE_TAG]!.replace('phase=baking', 'phase=cooking') },
      /phase that is not one of/,
    ],
    ['a bad step', { [STATE_TAG]: good[STATE_TAG]!.replace('step=0', 'step=two') }, /step that is not an integer/],
    ['a short hash', { [STATE_TAG]: good[STATE_TAG]!.replace(/hash=c+/, 'hash=cc') }, /hash that is not a sha256/],
    ['a weight over 999', { [STATE_TAG]: good[STATE_TAG]!.replace('=5', '=1000') }, /target group weight/],
    ['a bad escape', { [STATE_TAG]: good[STATE_TAG]!.replace('route=web', 'route=w+zz+') }, /badly escaped/],
  ];
  for (const [what, tags, message] of cases) {
    it(`reports ${what}`, () => {
      assert.throws(
        () => decodeRouteState(LISTENER, tags),
        (e: any) =>
          e.code === 'E_STATE_TAG_INVALID' && message.test(e.message) && e.message.includes(LISTENER) && !!e.hint,
      );
    });
  }

  it('reads no record as undefined, and a lease with a bad generation as an error', () => {
    assert.equal(decodeRouteState(LISTENER, { other: 'tag' }), undefined);
    assert.throws(
      () => decodeLease(LISTENER, { 'cutover.dev/lease': 'v1 holder=x gen=0 exp=1 acq=1' }),
      /gen outside 1/,
    );
  });

  it('refuses to encode a target group of another account', () => {
    const state = {
      ...biggestState(mulberry32(3)),
      weights: { [tgArn('x', 'a'.repeat(16)).replace('123456789012', '999999999999')]: 1 },
    };
    assert.throws(
      () => encodeRouteState(LISTENER, state),
      (e: any) => e.code === 'E_STATE_ENCODE',
    );
  });
});

describe('the driver’s extra state fields', () => {
  it('round-trips the split being written, the verification time and a reason with any characters, at 5 clusters', () => {
    const rnd = mulberry32(11);
    const state = biggestState(rnd);
    const target = Object.fromEntries(Object.keys(state.weights).map((arn, i) => [arn, i * 100]));
    const full: RouteState = {
      ...state,
      phase: 'shifting',
      target,
      verifiedAt: 1_796_000_000_000,
      reason: 'gate failed: target5xxRate green 9% (90/1000) > 2% — “quoted”, {braces}, 50% off',
    };
    const tags = encodeRouteState(LISTENER, full);
    assertWithinLimits(tags);
    assert.ok(Object.keys(tags).length <= 8, `${Object.keys(tags).length} tags`);
    assert.deepEqual(decodeRouteState(LISTENER, tags), full);
  });

  it('cuts a long reason to REASON_MAX characters rather than failing the write', () => {
    const state = { ...biggestState(mulberry32(5)), reason: 'x'.repeat(1_000) };
    const back = decodeRouteState(LISTENER, encodeRouteState(LISTENER, state));
    assert.equal(back?.reason?.length, 160);
  });

  it('GIVEN a gate failure reason of words and symbols (spaces escape to 4 characters) THEN it is cut to fit one tag value, not refused', () => {
    // A driver's real rollback reason: its final save used to fail with E_TAG_TOO_LONG, leaving
    // the record at rollingBack, so the next run rolled back again.
    const reason =
      'gate failed: tick 00:15–00:16 fail: target5xxRate green 3.559% (107/3006) > 2% fail; compare5xx green vs blue 2.773% (201/7249) vs 0.081% (33/40930), difference +2.569% in [+2.193%, +2.945%] (95%) vs +1% fail (failure 2, failureLimit 1)';
    const state = { ...biggestState(mulberry32(6)), reason };
    const tags = encodeRouteState(LISTENER, state);
    assertWithinLimits(tags);
    const back = decodeRouteState(LISTENER, tags)?.reason ?? '';
    assert.ok(back.length > 40 && reason.startsWith(back), back);
  });
});
