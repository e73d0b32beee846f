import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  PutCompositeAlarmCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { evaluateAlarms } from '../../src/gates/alarm-check.ts';
import { alarmStatesFrom, alarmTransitionsFrom, targetHealthFrom } from '../../src/gates/sdk-inputs.ts';
import { CloudWatchModel } from '../../src/sandbox/cloudwatch/model.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { serveCloudWatch } from '../sandbox/cloudwatch/endpoint.ts';
import { MIN, T0 } from './fixtures.ts';

describe('alarm inputs from the SDK', () => {
  const table: Array<[string, { HistoryData?: string; HistorySummary?: string }, string]> = [
    [
      'HistoryData JSON',
      { HistoryData: '{"version":"1.0","oldState":{"stateValue":"OK"},"newState":{"stateValue":"ALARM"}}' },
      'ALARM',
    ],
    ['unparsable HistoryData, a summary', { HistoryData: '{', HistorySummary: 'Alarm updated from ALARM to OK' }, 'OK'],
    ['neither', { HistorySummary: 'Alarm updated' }, 'UNKNOWN'],
  ];
  for (const [name, item, state] of table) {
    it(`GIVEN ${name} THEN the new state is ${state}`, () => {
      const [t] = alarmTransitionsFrom([
        { AlarmName: 'a', Timestamp: new Date(T0), HistoryItemType: 'StateUpdate', ...item },
      ]);
      assert.deepEqual(t, { name: 'a', atMs: T0, newState: state });
    });
  }

  it('GIVEN configuration updates THEN they are not transitions', () => {
    assert.deepEqual(
      alarmTransitionsFrom([{ AlarmName: 'a', Timestamp: T0, HistoryItemType: 'ConfigurationUpdate' }]),
      [],
    );
  });

  it('GIVEN a DescribeTargetHealth response THEN targets with id, port and state', () => {
    const out = targetHealthFrom({
      TargetHealthDescriptions: [
        { Target: { Id: '10.0.1.5', Port: 8080 }, TargetHealth: { State: 'healthy' } },
        { Target: { Id: '10.0.1.6' }, TargetHealth: { State: 'draining' } },
      ],
    });
    assert.deepEqual(out, [
      { id: '10.0.1.5', port: 8080, state: 'healthy' },
      { id: '10.0.1.6', state: 'draining' },
    ]);
  });
});

describe('alarm check against the sandbox CloudWatch through the real SDK', () => {
  const clock = new ManualClock(T0);
  const model = new CloudWatchModel({ clock });
  let endpoint: Awaited<ReturnType<typeof serveCloudWatch>>;
  const types = ['MetricAlarm' as const, 'CompositeAlarm' as const];

  before(async () => {
    endpoint = await serveCloudWatch(model);
    const cw = endpoint.cw;
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'edge-p99',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'TargetResponseTime',
        Dimensions: [{ Name: 'LoadBalancer', Value: 'app/edge/1330ec75395d8e31' }],
        ExtendedStatistic: 'p99',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'ignore',
      }),
    );
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'edge-p99', StateValue: 'OK', StateReason: 'test' }));
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: 'edge-any', AlarmRule: 'ALARM(edge-p99)' }));
  });
  after(async () => {
    await endpoint.close();
  });

  async function poll(sinceMs: number) {
    const states = await endpoint.cw.send(
      new DescribeAlarmsCommand({ AlarmNames: ['edge-p99', 'edge-any'], AlarmTypes: types }),
    );
    const history = await endpoint.cw.send(
      new DescribeAlarmHistoryCommand({
        HistoryItemType: 'StateUpdate',
        AlarmTypes: types,
        StartDate: new Date(sinceMs),
      }),
    );
    return { sinceMs, alarms: alarmStatesFrom(states), history: alarmTransitionsFrom(history.AlarmHistoryItems ?? []) };
  }

  it('GIVEN an alarm that went to ALARM and back to OK between two polls THEN the check fails all the same', async () => {
    await clock.advance(MIN);
    const quiet = evaluateAlarms(0, { names: ['edge-p99', 'edge-any'] }, await poll(T0 + 30_000));
    assert.equal(quiet.outcome, 'pass', quiet.description);

    const since = clock.now();
    await clock.advance(10_000);
    await endpoint.cw.send(
      new SetAlarmStateCommand({ AlarmName: 'edge-p99', StateValue: 'ALARM', StateReason: 'spike' }),
    );
    await clock.advance(10_000);
    await endpoint.cw.send(new SetAlarmStateCommand({ AlarmName: 'edge-p99', StateValue: 'OK', StateReason: 'over' }));
    await clock.advance(10_000);
    const p = await poll(since);
    assert.deepEqual(
      p.alarms.map((a) => [a.name, a.state]),
      [
        ['edge-p99', 'OK'],
        ['edge-any', 'OK'],
      ],
    );
    const v = evaluateAlarms(0, { names: ['edge-p99', 'edge-any'] }, p);
    assert.equal(v.outcome, 'fail');
    assert.match(v.description, /edge-p99 went to ALARM at .* \(OK now\)/);
    assert.match(v.description, /edge-any went to ALARM/);
  });
});
