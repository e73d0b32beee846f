import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentController } from '../../agent/controller.ts';
import { agentElbClient, classifyElbError, elbTargetGroup } from '../../aws/agent-targets.ts';
import { commandTags } from '../../aws/driver-state.ts';
import { createAwsClients, createAwsPorts } from '../../aws/index.ts';
import { runDriver } from '../../engine/driver.ts';
import { CutoverError, InvalidInputError } from '../../errors.ts';
import { AgentCluster, CUTOVER_BINDINGS } from '../../kube/agent-cluster.ts';
import { applyCustomObject } from '../../kube/apply.ts';
import { createBindingPort } from '../../kube/binding-status.ts';
import { installBindingCrds } from '../../kube/crds.ts';
import { loadKubeConfig } from '../../kube/kubeconfig.ts';
import { rolloutBindings } from '../../plan/bindings.ts';
import { buildPlan } from '../../plan/plan.ts';
import { startSandbox } from '../../sandbox/sandbox.ts';
import { parseScenario } from '../../sandbox/scenario/load.ts';
import { specHash } from '../../spec/hash.ts';
import { loadRolloutFile, parseRollout } from '../../spec/load.ts';
import type { CommandContext } from '../context.ts';
import { type DemoFault, FAULTS, faultBanner } from '../demo-faults.ts';
import { driverProgress } from '../driver-progress.ts';
import { createDriverPorts, LEASE_TTL_MS } from '../driver-wiring.ts';
import { exitCodeOf } from '../progress.ts';
import { untilAborted } from '../until-aborted.ts';

/**
 * `cutover demo` (what `npm start` runs): the whole mission in one process — the sandbox with
 * empty target groups, `cutover bind` of rollouts/sandbox-web.yaml into both clusters, one agent
 * per cluster registering its pods, then `cutover run` from blue to green on the sandbox's
 * accelerated clock. `--fault` shows a safety behaviour instead. On a terminal the driver's part
 * is the live view; `--output json` prints the demo's lines as `note` events among the driver's.
 */
export { type DemoFault, FAULTS } from '../demo-faults.ts';

const TRIGGER = 'when: {share: {loadBalancer: edge, port: 80, targetGroup: web-green, reaches: 25%}}';
const FAULT_YAML: Record<DemoFault, string> = {
  'green-5xx': `  - {kind: errorRate, cluster: green, errorRate: 3%, ${TRIGGER}}\n`,
  'green-unhealthy': `  - {kind: failHealthChecks, cluster: green, ${TRIGGER}}\n`,
  alarm: `  - {kind: alarmState, alarm: edge-p99-latency, state: ALARM, reason: p99 latency above 1 s, after: 1m, ${TRIGGER}}\n`,
  'aws-throttle': `  - {at: 0s, kind: awsThrottle, service: elbv2, operations: [ModifyListener], probability: 50%, for: 1h}
  - {at: 3m, kind: awsError, service: cloudwatch, operations: [GetMetricData], code: InternalFailure, status: 500, for: 3m}\n`,
  drift: `  - {kind: modifyWeights, loadBalancer: edge, port: 80, weights: {web-blue: 80, web-green: 20}, after: 30s, when: {weightChange: {loadBalancer: edge, port: 80, count: 1}}}\n`,
};

export interface DemoArgs {
  fault?: string;
  speed: string;
  seed?: string;
  keep: boolean;
  dir?: string;
}

export async function run(args: DemoArgs, ctx: CommandContext): Promise<number> {
  const fault = args.fault as DemoFault | undefined;
  if (fault !== undefined && !(fault in FAULTS)) {
    throw new CutoverError('E_USAGE', `--fault must be one of ${Object.keys(FAULTS).join(', ')}`, { value: fault });
  }
  const speed = Number(args.speed);
  if (!(speed > 0)) throw new CutoverError('E_USAGE', '--speed must be a number above 0', { value: args.speed });
  const root = new URL('../../../', import.meta.url);
  const rolloutFile = new URL('rollouts/sandbox-web.yaml', root).pathname;
  // The alarm demo gates on the sandbox's edge-p99-latency alarm too.
  const loaded = fault === 'alarm' ? await rolloutWithAlarm(rolloutFile) : await loadRolloutFile(rolloutFile);
  const plan = buildPlan(loaded.rollout);
  const base = readFileSync(new URL('scenarios/empty-target-groups.yaml', root), 'utf8');
  const scenario = parseScenario(fault ? `${base}faults:\n${FAULT_YAML[fault]}` : base, 'demo scenario');
  const dir = args.dir ?? mkdtempSync(join(tmpdir(), 'cutover-demo-'));
  const sandbox = await startSandbox({
    scenario,
    speed,
    dir,
    log: ctx.log,
    ...(args.seed !== undefined ? { seed: Number(args.seed) } : {}),
  });
  const progress = await driverProgress(ctx, { plan, clock: sandbox.clock, holder: 'demo' });
  const say = (text: string) => progress.note(text);
  const agents: Array<{ cluster: AgentCluster; controller: AgentController }> = [];
  const local = { endpoint: sandbox.awsUrl, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } };
  try {
    say(
      `demo: sandbox on ${sandbox.awsUrl} at ${speed}× (clusters ${sandbox.clusters.map((c) => c.name).join(', ')}; target groups empty)`,
    );
    if (fault) say(`demo: fault ${fault} — ${faultBanner(fault)}`);
    const env = { ...ctx.env, KUBECONFIG: sandbox.kubeconfigFile };
    for (const c of rolloutBindings(loaded.rollout)) {
      const kc = loadKubeConfig(c.context, env);
      await installBindingCrds(kc, CUTOVER_BINDINGS);
      for (const b of c.bindings) await applyCustomObject(kc, b, 'targetgroupbindings');
      say(
        `demo: cluster ${c.cluster}: targetgroupbinding ${c.bindings.map((b) => `${b.metadata.namespace}/${b.metadata.name}`).join(', ')} applied`,
      );
      let controller: AgentController | undefined;
      const cluster = new AgentCluster({
        kc,
        api: CUTOVER_BINDINGS,
        clock: sandbox.clock,
        onChange: (kind, ns, obj) => controller?.changed(kind, ns, obj.metadata?.name ?? ''),
      });
      controller = new AgentController(cluster.view(), elbTargetGroup(agentElbClient(plan.region, local)), {
        cluster: c.cluster,
        guard: { cluster: c.cluster, allow: c.bindings.map((b) => b.spec.targetGroupARN) },
        namespaces: [],
        clock: sandbox.clock,
        log: ctx.log.child({ agent: c.cluster }),
        random: Math.random,
        resyncMs: 30 * 60_000,
        healthRefreshMs: 60_000,
        classify: classifyElbError,
      });
      await cluster.start();
      controller.start();
      agents.push({ cluster, controller });
      say(`demo: agent ${c.cluster} started`);
    }
    const { ports, close } = createDriverPorts(
      plan,
      sandbox.clock,
      local,
      createBindingPort(loaded.rollout, { ...ctx.env, KUBECONFIG: sandbox.kubeconfigFile }),
    );
    const operatorClients = createAwsClients({ region: plan.region, clock: sandbox.clock, ...local });
    const operator = createAwsPorts(operatorClients, { clock: sandbox.clock, leaseTtlMs: LEASE_TTL_MS });
    try {
      const result = await runDriver({
        plan,
        specHash: loaded.hash,
        ports,
        clock: sandbox.clock,
        holder: 'demo',
        signal: ctx.signal,
        onEvent: (e) => {
          progress.event(e);
          // The drift demo shows the pause, then an operator's abort (as `cutover abort` sends it).
          if (fault === 'drift' && e.type === 'phase' && e.phase === 'paused') {
            say('demo: the driver paused on drift and wrote nothing; an operator aborts (cutover abort)');
            const arn = plan.routes[0]!.arn;
            void operator.tags
              .writeTags(arn, commandTags('abort', sandbox.clock.now(), 'demo operator'))
              .catch(() => undefined);
          }
        },
      });
      if (result.outcome === 'failed' && result.error) throw result.error;
      const code = exitCodeOf(result, ctx.signal);
      progress.finish(result, code);
      if (args.keep) {
        say(`demo: the sandbox stays up (source ${sandbox.envFile}); Ctrl-C stops it`);
        await untilAborted(ctx.signal);
      }
      return code;
    } finally {
      close();
      operatorClients.destroy();
    }
  } finally {
    progress.close();
    for (const a of agents) {
      await a.controller.stop();
      await a.cluster.stop();
    }
    await sandbox.close();
    if (!args.dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function rolloutWithAlarm(file: string) {
  const text = readFileSync(file, 'utf8').replace(
    /(\n(\s*)- \{type: compare5xx[^\n]*)/,
    '$1\n$2- {type: alarm, names: [edge-p99-latency]}',
  );
  const { rollout, diagnostics } = parseRollout(text, file);
  if (!rollout) throw new InvalidInputError(diagnostics);
  return { file, hash: specHash(rollout), rollout, warnings: diagnostics };
}
