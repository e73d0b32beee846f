import { parseRollout } from '../../../src/spec/load.ts';

export const ARN = 'arn:aws:elasticloadbalancing:us-east-1:000000000000';
export const TG_BLUE = `${ARN}:targetgroup/web-blue/a88fa8f6584adf66`;
export const TG_GREEN = `${ARN}:targetgroup/web-green/761fbf0b36bfccac`;

/** A small valid rollout (two clusters, one route, two steps, three checks) to vary in tests. */
export const MINIMAL = `apiVersion: cutover.dev/v1alpha1
kind: ClusterRollout
metadata: {name: min}
spec:
  region: us-east-1
  clusters: [{name: blue}, {name: green}]
  from: blue
  to: green
  routes:
    - name: web
      listenerArn: ${ARN}:listener/app/edge/1330ec75395d8e31/7ea743f6b4084ae9
      targetGroups:
        blue: ${TG_BLUE}
        green: ${TG_GREEN}
  steps:
    - {weight: 10}
    - {weight: 100, bake: 90s}
  gates:
    checks:
      - {type: target5xxRate, max: 1%}
      - {type: compare5xx, maxIncrease: 0.25%}
      - {type: healthyTargets}
`;

export const errorsOf = (text: string) =>
  parseRollout(text, 'r.yaml').diagnostics.filter((d) => d.severity === 'error');
export const warningsOf = (text: string) =>
  parseRollout(text, 'r.yaml').diagnostics.filter((d) => d.severity === 'warning');
/** "line:col message" of each error, for assertions that show what was found. */
export const errorLines = (text: string) => errorsOf(text).map((d) => `${d.line}:${d.col} ${d.message}`);
/** "line:col what" of each error: its message without the "(got …; …)" part. */
export const problemsOf = (text: string) => errorLines(text).map((l) => l.split(' (')[0]);
