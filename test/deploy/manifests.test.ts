import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { INJECT_LABEL, WEBHOOK_PATH } from '../../src/agent/webhook.ts';
import { REPO_ROOT, runCli } from '../helpers/run-cli.ts';

const DEPLOY = join(REPO_ROOT, 'deploy');
const docs = (file: string) => parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8')).map((d) => d.toJSON());

/** The agent's manifests as a reviewer would check them (kubectl builds them in the clients suite). */
describe('deploy/ manifests', () => {
  const [deployment] = docs('agent/deployment.yaml');
  const container = deployment.spec.template.spec.containers[0];

  it('runs the agent non-root on a read-only root filesystem, with requests, limits and probes', () => {
    const pod = deployment.spec.template.spec;
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
    assert.ok(
      container.resources.requests.cpu && container.resources.requests.memory && container.resources.limits.memory,
    );
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.ok(container.args.includes('--ops-addr=0.0.0.0:8080'), 'the probes have a server to talk to');
  });

  it('passes only options `cutover agent` has', async () => {
    const help = await runCli(['agent', '--help']);
    const overlays = readdirSync(join(DEPLOY, 'overlays')).flatMap((c) => {
      const k = docs(`overlays/${c}/kustomization.yaml`)[0];
      return k.patches.flatMap((p: { patch: string }) => parseAllDocuments(p.patch)[0]!.toJSON());
    });
    const argLists = [container.args, ...overlays.filter((op) => op.path.endsWith('/args')).map((op) => op.value)];
    for (const args of argLists) {
      assert.equal(args[0], 'agent');
      for (const a of args.slice(1)) {
        const flag = a.split('=')[0];
        assert.match(help.stdout, new RegExp(`${flag}\\b`), `${flag} is an option of cutover agent`);
      }
    }
  });

  it('grants the agent nothing it does not use: no secrets, no deletes, no writes to workloads', () => {
    const role = docs('agent/rbac.yaml').find((d) => d.kind === 'ClusterRole');
    const rules = role.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
    assert.ok(!rules.some((r) => r.resources.includes('secrets')));
    assert.ok(!rules.some((r) => r.verbs.includes('delete') || r.verbs.includes('*')));
    const podWrites = rules.filter(
      (r) => r.resources.includes('pods') && r.verbs.some((v) => ['patch', 'update', 'create'].includes(v)),
    );
    assert.deepEqual(podWrites, [], 'pods are read; only pods/status is written (the readiness gate)');
  });
});

describe('deploy/webhook: the readiness-gate webhook component', () => {
  const [mwc] = docs('webhook/mutatingwebhookconfiguration.yaml');
  const [service] = docs('webhook/service.yaml');
  const [, certificate] = docs('webhook/certificate.yaml');
  const patch = docs('webhook/deployment-patch.yaml')[0];
  const [deployment] = docs('agent/deployment.yaml');
  const hook = mwc.webhooks[0];

  it('sends pod CREATEs of labelled namespaces to the agent’s Service port, at the path it serves', () => {
    assert.deepEqual(hook.rules, [
      { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' },
    ]);
    assert.deepEqual(hook.namespaceSelector.matchLabels, { [INJECT_LABEL]: 'enabled' });
    assert.equal(hook.clientConfig.service.path, WEBHOOK_PATH);
    assert.equal(hook.clientConfig.service.name, service.metadata.name);
    assert.equal(hook.clientConfig.service.namespace, service.metadata.namespace);
    assert.equal(hook.clientConfig.service.port, service.spec.ports[0].port);
    const agentPort = patch.spec.template.spec.containers[0].ports[0];
    assert.equal(service.spec.ports[0].targetPort, agentPort.name);
    const env = Object.fromEntries(
      patch.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    assert.equal(Number(env.CUTOVER_WEBHOOK_PORT), agentPort.containerPort);
    assert.equal(env.CUTOVER_WEBHOOK_CERT_DIR, patch.spec.template.spec.containers[0].volumeMounts[0].mountPath);
  });

  it('selects the agent’s pods with its Service, excludes them from injection, and certifies the Service’s name', () => {
    const podLabels = deployment.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(service.spec.selector)) assert.equal(podLabels[k], v);
    const excluded = hook.objectSelector.matchExpressions[0];
    assert.equal(excluded.operator, 'NotIn');
    assert.ok(excluded.values.includes(podLabels[excluded.key]), 'the agent can start even in a labelled namespace');
    assert.ok(
      certificate.spec.dnsNames.includes(`${service.metadata.name}.${service.metadata.namespace}.svc`),
      'the name the API server verifies',
    );
    assert.equal(
      mwc.metadata.annotations['cert-manager.io/inject-ca-from'],
      `${certificate.metadata.namespace}/${certificate.metadata.name}`,
    );
    assert.equal(patch.spec.template.spec.volumes[0].secret.secretName, certificate.spec.secretName);
  });
});

describe('deploy/iam: the cross-account role pair', () => {
  const json = (f: string) => JSON.parse(readFileSync(join(DEPLOY, 'iam', f), 'utf8'));
  it('trusts only the agent role of account B with an external id, and allows only target calls', () => {
    const trust = json('cross-account-registrar.trust.json').Statement[0];
    assert.equal(trust.Action, 'sts:AssumeRole');
    assert.match(trust.Principal.AWS, /^arn:aws:iam::222222222222:role\//);
    assert.ok(trust.Condition.StringEquals['sts:ExternalId'], 'an external id is required');
    const policy = json('cross-account-registrar.policy.json').Statement;
    const writes = policy.filter((s: { Resource: string }) => s.Resource !== '*');
    assert.deepEqual(writes.flatMap((s: { Action: string[] }) => s.Action).sort(), [
      'elasticloadbalancing:DeregisterTargets',
      'elasticloadbalancing:RegisterTargets',
    ]);
    for (const s of policy.filter((x: { Resource: string }) => x.Resource === '*')) {
      for (const a of s.Action) assert.match(a, /:Describe\w+$/);
    }
    const assume = json('agent-assume.policy.json').Statement[0];
    assert.equal(assume.Resource, 'arn:aws:iam::111111111111:role/cutover-registrar');
  });
});
