import type { LiveForward, TargetGroupWeights } from './ports.ts';

/**
 * Drift: the live weights of a route differ from the last weights cutover wrote there, so someone
 * else changed the listener or rule. Compared over every target group either side names; a group
 * that appeared or vanished is a difference too (`undefined` on the side that lacks it).
 */
export interface WeightDrift {
  route: string;
  arn: string;
  expected: TargetGroupWeights;
  found: TargetGroupWeights;
  differences: Array<{ targetGroupArn: string; expected: number | undefined; found: number | undefined }>;
}

export function detectDrift(lastWritten: TargetGroupWeights, live: LiveForward): WeightDrift | undefined {
  const arns = [...new Set([...Object.keys(lastWritten), ...Object.keys(live.weights)])];
  const differences = arns
    .map((targetGroupArn) => ({
      targetGroupArn,
      expected: lastWritten[targetGroupArn],
      found: live.weights[targetGroupArn],
    }))
    .filter((d) => d.expected !== d.found);
  if (differences.length === 0) return undefined;
  return { route: live.route, arn: live.arn, expected: { ...lastWritten }, found: { ...live.weights }, differences };
}

/** One line for logs and the pause message: `web: tg/web-green 5 → 50, tg/web-blue 95 → 50`. */
export function describeDrift(d: WeightDrift): string {
  const show = (w: number | undefined) => (w === undefined ? 'absent' : String(w));
  const parts = d.differences.map(
    (x) => `${x.targetGroupArn.replace(/^arn:[^:]*:[^:]*:[^:]*:[^:]*:/, '')} ${show(x.expected)} → ${show(x.found)}`,
  );
  return `route "${d.route}" (${d.arn}) was changed outside cutover: ${parts.join(', ')}`;
}
