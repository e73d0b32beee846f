import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic } from '../../../src/errors.ts';
import { readScenario } from '../../../src/sandbox/scenario/load.ts';
import { MINIMAL as BASE } from './minimal.ts';

const MINIMAL = `${BASE}alarms:
  - {name: slow, loadBalancer: edge, metricName: TargetResponseTime, statistic: Average, threshold: 1, comparisonOperator: GreaterThanThreshold}
`;

const messages = (text: string) => readScenario(text, 's.yaml').diagnostics.map(formatDiagnostic);

describe('scenario rules across fields run even when the shape has errors', () => {
  it('reports shape errors and reference/value errors of a file in one run', () => {
    // GIVEN a file with two shape errors (a bad rps, an unknown field) and three cross-field ones
    // (a forward to a missing group, a fault on a missing cluster, a timeout not below the interval)
    const text = MINIMAL.replace('rps: 10', 'rps: lots')
      .replace('{a: 1}', '{a: 1, b: 2}')
      .replace('{name: a, registered', '{name: a, healthCheck: {interval: 5s, timeout: 5s}, colour: red, registered')
      .concat('faults: [{at: 1m, kind: killPods, cluster: nope}]\n');
    const got = messages(text);
    // THEN all five are reported together
    const want = [
      /error: traffic\[0\]\.rps must be a number/,
      /error: unknown field targetGroups\[0\]\.colour/,
      /error: loadBalancers\[0\]\.listeners\[0\]\.forward\.b names no target group \(got "b"; did you mean "a"\? defined under targetGroups: a\)/,
      /error: faults\[0\]\.cluster names no cluster \(got "nope"; defined under clusters: c1\)/,
      /error: targetGroups\[0\]\.healthCheck\.timeout is not less than interval \(5s\)/,
    ];
    for (const w of want)
      assert.ok(
        got.some((m) => w.test(m)),
        `${w}\n${got.join('\n')}`,
      );
    assert.equal(got.length, want.length, got.join('\n'));
  });

  it('does not judge references against a list with an invalid name (no false "names no …")', () => {
    // GIVEN the only target group's name is invalid, and the only cluster's too
    const text = MINIMAL.replace('{name: a, registered', '{name: "A B", registered').replace(
      '  - name: c1',
      '  - name: C_1',
    );
    const got = messages(text);
    // THEN only the two names are reported: the forward to "a" and the registration from "c1" are not judged
    assert.equal(got.length, 2, got.join('\n'));
    assert.ok(got.every((m) => /\.name /.test(m)));
  });

  it('does not call a forward "sends no traffic" when one of its weights was invalid', () => {
    const text = MINIMAL.replace('{a: 1}', '{a: 1000}').replace(
      '  - {name: a, registered',
      '  - {name: z}\n  - {name: a, registered',
    );
    const got = messages(text.replace('{a: 1000}', '{a: 1000, z: 0}'));
    assert.equal(got.length, 1, got.join('\n'));
    assert.match(got[0]!, /forward\.a must be between 0 and 999/);
  });
});

describe('scenario rules: HTTPS listeners and alarm faults', () => {
  it('gives an HTTPS listener a deterministic ACM certificate unless the file names one', () => {
    const https = MINIMAL.replace(
      '{port: 80, forward: {a: 1}}',
      '{port: 443, protocol: HTTPS, forward: {a: 1}}',
    ).replace('rps: 10', 'port: 443, rps: 10');
    const { scenario, diagnostics } = readScenario(https);
    assert.deepEqual(diagnostics, []);
    const arn = scenario!.loadBalancers[0]!.listeners[0]!.certificateArn!;
    assert.match(
      arn,
      /^arn:aws:acm:us-east-1:000000000000:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    assert.equal(readScenario(https).scenario!.loadBalancers[0]!.listeners[0]!.certificateArn, arn, 'deterministic');
    const mine = 'arn:aws:acm:us-east-1:000000000000:certificate/11111111-2222-3333-4444-555555555555';
    const named = readScenario(https.replace('protocol: HTTPS,', `protocol: HTTPS, certificateArn: "${mine}",`));
    assert.equal(named.scenario!.loadBalancers[0]!.listeners[0]!.certificateArn, mine);
  });

  it('rejects a certificate on an HTTP listener and a certificate that is not an ARN', () => {
    const onHttp = MINIMAL.replace(
      '{port: 80, forward',
      '{port: 80, certificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/x-1", forward',
    );
    assert.ok(
      messages(onHttp).some((m) =>
        /listeners\[0\]\.certificateArn only applies to an HTTPS listener \(got protocol HTTP; /.test(m),
      ),
    );
    const notArn = MINIMAL.replace('{port: 80, forward', '{port: 80, protocol: HTTPS, certificateArn: mine, forward');
    assert.ok(messages(notArn).some((m) => /listeners\[0\]\.certificateArn .*\(got "mine"; /.test(m)));
  });

  it('warns (does not fail) about an alarmState fault naming an alarm the scenario lacks', () => {
    const text = `${MINIMAL}faults: [{at: 1m, kind: alarmState, alarm: slo, state: ALARM}]\n`;
    const { scenario, diagnostics } = readScenario(text, 's.yaml');
    assert.ok(scenario, 'still valid');
    assert.equal(diagnostics.length, 1);
    assert.match(
      formatDiagnostic(diagnostics[0]!),
      /^s\.yaml:\d+:\d+: warning: faults\[0\]\.alarm names no alarm of the scenario \(got "slo"; did you mean "slow"\? defined under alarms: slow; fine if a client creates it \(PutMetricAlarm\) before the fault, else the fault does nothing\)$/,
    );
  });
});
