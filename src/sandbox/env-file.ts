/**
 * DIR/env: sourceable `export` lines pointing the AWS CLI/SDKs, kubectl and cutover at the sandbox,
 * and `sandbox_now`, a POSIX sh function printing the sandbox's current virtual time.
 */

/**
 * `sandbox_now`: the virtual time in epoch seconds, computed as clockFromEnv() does from
 * CUTOVER_CLOCK (`origin=<ms>;wall=<ms>;speed=<n>`: origin + (wall now − wall) × speed). awk does
 * the arithmetic because the speed may be fractional; `date +%s%N` gives milliseconds where it is
 * supported (GNU), else whole seconds. Without CUTOVER_CLOCK it prints the wall time.
 */
export const SANDBOX_NOW_FUNCTION = `# sandbox_now: the sandbox's current virtual time in epoch seconds, for AWS CLI time windows, e.g.
#   aws cloudwatch get-metric-data --start-time $(( $(sandbox_now) - 900 )) --end-time $(sandbox_now) ...
sandbox_now() {
  _cutover_t=$(date +%s%N 2>/dev/null)
  case $_cutover_t in ''|*[!0-9]*) _cutover_t="$(date +%s)000000000" ;; esac
  awk -v c="$CUTOVER_CLOCK" -v t="$_cutover_t" 'BEGIN {
    now = substr(t, 1, length(t) - 6) + 0; o = now; w = now; s = 1
    n = split(c, kv, ";")
    for (i = 1; i <= n; i++) {
      split(kv[i], p, "=")
      if (p[1] == "origin") o = p[2] + 0; else if (p[1] == "wall") w = p[2] + 0; else if (p[1] == "speed") s = p[2] + 0
    }
    printf "%.0f\\n", int((o + (now - w) * s) / 1000)
  }'
  unset _cutover_t
}`;

const quote = (v: string) => `'${v.replaceAll("'", `'\\''`)}'`;

/**
 * The env file: values single-quoted (CUTOVER_CLOCK holds `;`). `stoppedAt` (wall-clock ISO time)
 * marks the file of a sandbox that has stopped: its first line says so and sourcing it warns.
 */
export function envFileText(env: Record<string, string>, stoppedAt?: string): string {
  const lines = stoppedAt
    ? [
        `# cutover sandbox STOPPED at ${stoppedAt}: these endpoints are gone; start a new one with \`npx cutover sandbox\``,
        `echo ${quote(`cutover: the sandbox that wrote this file stopped at ${stoppedAt}; start a new one with: npx cutover sandbox`)} >&2`,
      ]
    : ['# cutover sandbox: `source` this file to point the AWS CLI/SDKs, kubectl and cutover at it'];
  for (const [k, v] of Object.entries(env)) lines.push(`export ${k}=${quote(v)}`);
  lines.push(SANDBOX_NOW_FUNCTION);
  return `${lines.join('\n')}\n`;
}
