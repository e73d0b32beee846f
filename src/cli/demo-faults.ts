/**
 * The faults `cutover demo --fault` can show, with how each one ends. One table for the demo's
 * banner, `demo --help` and the README's Quickstart (test/cli/readme.test.ts checks it); the slow
 * demo tests check every exit code against a real run. Kept apart from commands/demo.ts so the
 * command table can build the help text without loading the demo.
 */
export const FAULTS = {
  'green-5xx': {
    what: 'green answers 3% 5xx once it carries 25% of the traffic: the gates roll back',
    outcome: 'a rollback',
    exit: 3,
  },
  'green-unhealthy': {
    what: "green's pods fail their health checks once it carries 25%: healthyTargets rolls back",
    outcome: 'a rollback',
    exit: 3,
  },
  alarm: {
    what: 'the edge-p99-latency alarm fires a minute after green reaches 25%: rollback within one alarm poll',
    outcome: 'a rollback',
    exit: 3,
  },
  'aws-throttle': {
    what: 'ELBv2 throttles half the writes and CloudWatch fails for minutes: the driver rides it out and completes',
    outcome: 'survived, the rollout completes',
    exit: 0,
  },
  drift: {
    what: 'someone edits the listener by hand mid-rollout: the driver pauses, writes nothing, then the demo aborts',
    outcome: 'a pause, then an abort',
    exit: 4,
  },
} as const satisfies Record<string, { what: string; outcome: string; exit: number }>;

export type DemoFault = keyof typeof FAULTS;

/** The demo's banner line for a fault. */
export function faultBanner(f: DemoFault): string {
  return `${FAULTS[f].what} (exit ${FAULTS[f].exit})`;
}

/** `green-5xx, green-unhealthy, alarm: a rollback (exit 3); drift: …`: the faults by how they end. */
export function faultOutcomes(): string {
  const groups = new Map<string, string[]>();
  for (const [name, f] of Object.entries(FAULTS)) {
    const key = `${f.outcome} (exit ${f.exit})`;
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  return [...groups].map(([how, names]) => `${names.join(', ')}: ${how}`).join('; ');
}
