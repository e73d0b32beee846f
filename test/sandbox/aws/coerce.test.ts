import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asDate, asInt, asList, requireParam, validationError } from '../../../src/sandbox/aws/coerce.ts';
import { optDate, optInt, toStr } from '../../../src/sandbox/cloudwatch/coerce.ts';

const thrown = (fn: () => unknown): { code: string; message: string } => {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected a throw');
};

describe('one input-decoding layer, two error styles', () => {
  it('decodes the same timestamp from awsQuery, JSON and CBOR', () => {
    const t = Date.UTC(2026, 0, 1, 0, 1, 30);
    for (const v of ['2026-01-01T00:01:30Z', String(t / 1000), t / 1000, new Date(t)]) {
      assert.equal(asDate(v, 'startTime')?.getTime(), t, String(v));
      assert.equal(optDate(v, 'StartTime')?.getTime(), t, String(v));
    }
    assert.deepEqual(asList(''), []);
    assert.deepEqual(asList('x'), ['x']);
  });

  it('answers ELBv2/STS in Coral words and CloudWatch in its own', () => {
    const coral = thrown(() => asInt('4x', 'pageSize'));
    assert.equal(coral.code, 'ValidationError');
    assert.equal(
      coral.message,
      "1 validation error detected: Value '4x' at 'pageSize' failed to satisfy constraint: Member must be an integer",
    );
    assert.equal(
      thrown(() => requireParam(undefined, 'targetGroupArn')).message,
      "1 validation error detected: Value null at 'targetGroupArn' failed to satisfy constraint: Member must not be null",
    );
    const cw = thrown(() => optInt('4x', 'Period'));
    assert.equal(cw.code, 'InvalidParameterValue');
    assert.equal(cw.message, 'The value 4x for parameter Period is not a number.');
    assert.equal(
      thrown(() => optDate('soon', 'EndTime')).message,
      'The value soon for parameter EndTime is not a valid timestamp.',
    );
    const missing = thrown(() => toStr('', 'Namespace'));
    assert.equal(missing.code, 'MissingParameter');
    assert.equal(missing.message, 'The parameter Namespace is required.');
  });

  it('counts several violations in one message', () => {
    const e = validationError([
      { field: 'a', value: 1, constraint: 'x' },
      { field: 'b', value: null, constraint: 'y' },
    ]);
    assert.equal(
      e.message,
      "2 validation errors detected: Value '1' at 'a' failed to satisfy constraint: x; Value null at 'b' failed to satisfy constraint: y",
    );
  });
});
