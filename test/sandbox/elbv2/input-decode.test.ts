import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeInput } from '../../../src/sandbox/elbv2/input-decode.ts';
import { type ElbWorld, startElbWorld } from './fixture.ts';

/** The protocol facade converts awsQuery strings once, by the API model (botocore). */
describe('ELBv2 request decoding at the protocol facade', () => {
  it('turns awsQuery strings into the numbers and booleans the model declares, deep in actions', () => {
    // WHEN
    const out = decodeInput('ModifyListener', {
      ListenerArn: 'arn:l',
      Port: '8080',
      DefaultActions: [
        {
          Type: 'forward',
          Order: '1',
          ForwardConfig: {
            TargetGroups: [{ TargetGroupArn: 'arn:tg', Weight: '5' }],
            TargetGroupStickinessConfig: { Enabled: 'true', DurationSeconds: '60' },
          },
        },
      ],
      Certificates: '',
    });
    // THEN
    assert.deepEqual(out, {
      ListenerArn: 'arn:l',
      Port: 8080,
      DefaultActions: [
        {
          Type: 'forward',
          Order: 1,
          ForwardConfig: {
            TargetGroups: [{ TargetGroupArn: 'arn:tg', Weight: 5 }],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
          },
        },
      ],
      Certificates: [],
    });
  });

  it('refuses a value of the wrong type with its Coral path', () => {
    // WHEN / THEN
    assert.throws(
      () =>
        decodeInput('CreateRule', {
          Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'a' }, { Weight: 'ten' }] } }],
        }),
      (e: Error & { code?: string }) =>
        e.code === 'ValidationError' &&
        e.message ===
          "1 validation error detected: Value 'ten' at 'actions.1.member.forwardConfig.targetGroups.2.member.weight' failed to satisfy constraint: Member must be an integer",
    );
  });

  describe('over HTTP', () => {
    let w: ElbWorld;
    before(async () => {
      w = await startElbWorld({ attachGreen: true });
    });
    after(async () => {
      await w.close();
    });

    it('answers a raw awsQuery ModifyListener with string weights as the SDK would send them', async () => {
      // WHEN
      const form = new URLSearchParams({
        Action: 'ModifyListener',
        Version: '2015-12-01',
        ListenerArn: w.listenerArn,
        'DefaultActions.member.1.Type': 'forward',
        'DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn': w.blueArn,
        'DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight': '90',
        'DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn': w.greenArn,
        'DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight': '010',
      });
      const res = await fetch(`${w.server.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      // THEN
      assert.equal(res.status, 200, await res.clone().text());
      assert.deepEqual(
        w.model.forwardTargets(w.listenerArn).map((g) => g.weight),
        [90, 10],
      );
      assert.match(await res.text(), /<Weight>10<\/Weight>/);
    });
  });
});
