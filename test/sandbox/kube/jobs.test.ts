import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchV1Api, type V1Job } from '@kubernetes/client-node';
import { ClusterStore, type KubeObject } from '../../../src/sandbox/kube/store.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { startTestCluster, type TestCluster, thrown } from './harness.ts';

const JOBS = { group: 'batch', version: 'v1', resource: 'jobs' };

function newStore() {
  return new ClusterStore({ name: 'blue', clock: new ManualClock(Date.UTC(2026, 0, 1)) });
}

/** A Job as kubectl sends a manifest: no selector, the pod template's labels only. */
function job(spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'rollout', namespace: 'default' },
    spec: {
      template: {
        metadata: { labels: { app: 'cutover' } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'cutover', image: 'cutover:0.1.0' }], ...podSpec },
      },
      ...spec,
    },
  };
}

const EXIT_CODES_FAIL = {
  rules: [
    { action: 'FailJob', onExitCodes: { containerName: 'cutover', operator: 'In', values: [2, 3, 4] } },
    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
  ],
};

describe('sandbox Kubernetes API: batch/v1 Jobs (stored, defaulted and validated; no controller runs them)', () => {
  it('GIVEN a Job without a selector WHEN created THEN the server generates the selector and template labels and applies the Job defaults', () => {
    const store = newStore();
    const created = store.create(JOBS, job({ podFailurePolicy: EXIT_CODES_FAIL }));
    const uid = created.metadata.uid!;
    assert.deepEqual(created.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.deepEqual(created.spec.template.metadata.labels, {
      app: 'cutover',
      'batch.kubernetes.io/job-name': 'rollout',
      'job-name': 'rollout',
      'batch.kubernetes.io/controller-uid': uid,
      'controller-uid': uid,
    });
    // A Job without labels of its own gets its template's (SetDefaults_Job).
    assert.deepEqual(created.metadata.labels, created.spec.template.metadata.labels);
    const { completions, parallelism, backoffLimit, completionMode, suspend, podReplacementPolicy } = created.spec;
    assert.deepEqual(
      { completions, parallelism, backoffLimit, completionMode, suspend, podReplacementPolicy },
      {
        completions: 1,
        parallelism: 1,
        backoffLimit: 6,
        completionMode: 'NonIndexed',
        suspend: false,
        podReplacementPolicy: 'Failed',
      },
    );
    assert.equal(created.spec.podFailurePolicy.rules[1].onPodConditions[0].status, 'True');
    assert.equal(created.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(created.status, {});
  });

  it('GIVEN a created Job WHEN the same manifest is applied again without the generated fields THEN they are kept and nothing changes', () => {
    const store = newStore();
    const created = store.patch(JOBS, 'default', 'rollout', 'apply', job(), { fieldManager: 'kubectl' });
    const again = store.patch(JOBS, 'default', 'rollout', 'apply', job(), { fieldManager: 'kubectl' });
    assert.deepEqual(again.spec.selector, created.spec.selector);
    assert.deepEqual(again.spec.template.metadata.labels, created.spec.template.metadata.labels);
    assert.equal(again.metadata.resourceVersion, created.metadata.resourceVersion, 'a no-op write commits nothing');
    assert.equal(again.spec.podReplacementPolicy, 'TerminatingOrFailed', 'no pod failure policy');
  });

  it('GIVEN a Job whose pods would restart Always, or OnFailure with a pod failure policy WHEN created THEN 422 as batch validation words it', () => {
    const store = newStore();
    const always = thrown(() => store.create(JOBS, job({}, { restartPolicy: undefined })));
    assert.equal(always.code, 422);
    assert.equal(
      always.status.message,
      'Job.batch "rollout" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    );
    const onFailure = thrown(() =>
      store.create(JOBS, job({ podFailurePolicy: EXIT_CODES_FAIL }, { restartPolicy: 'OnFailure' })),
    );
    assert.equal(
      onFailure.status.message,
      'Job.batch "rollout" is invalid: spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
    );
  });

  it('GIVEN pod failure policy rules a real server refuses WHEN created THEN each is reported with its field', () => {
    const store = newStore();
    const err = thrown(() =>
      store.create(
        JOBS,
        job({
          backoffLimit: -1,
          podFailurePolicy: {
            rules: [
              { action: 'FailJob', onExitCodes: { containerName: 'driver', operator: 'In', values: [0, 4, 3, 3] } },
              { action: 'Retry', onPodConditions: [{ type: 'DisruptionTarget' }] },
              { action: 'Ignore' },
            ],
          },
        }),
      ),
    );
    assert.equal(err.code, 422);
    assert.deepEqual(
      err.status.details?.causes?.map((c) => `${c.field}: ${c.message}`),
      [
        'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
        'spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "driver": must be one of the container or initContainer names in the pod template',
        'spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator',
        'spec.podFailurePolicy.rules[0].onExitCodes.values[3]: Duplicate value: 3',
        'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [0,4,3,3]: must be ordered',
        'spec.podFailurePolicy.rules[1].action: Unsupported value: "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
        'spec.podFailurePolicy.rules[2]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required',
      ],
    );
  });

  it('GIVEN an init container named in an exit-code rule WHEN created THEN it is accepted', () => {
    const store = newStore();
    const created = store.create(
      JOBS,
      job(
        {
          podFailurePolicy: {
            rules: [{ action: 'Count', onExitCodes: { containerName: 'checkout', operator: 'NotIn', values: [0] } }],
          },
        },
        { initContainers: [{ name: 'checkout', image: 'git-sync' }] },
      ),
    );
    assert.equal(created.spec.podFailurePolicy.rules[0].onExitCodes.containerName, 'checkout');
  });

  describe('over HTTP with client-node', () => {
    let c: TestCluster;
    before(async () => {
      c = await startTestCluster();
    });
    after(async () => c.close());

    it('GIVEN BatchV1Api WHEN a Job is created, read and listed THEN it comes back with its generated selector', async () => {
      const api = c.kc.makeApiClient(BatchV1Api);
      const body = job({ activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 }) as V1Job;
      await api.createNamespacedJob({ namespace: 'default', body });
      const read = await api.readNamespacedJob({ namespace: 'default', name: 'rollout' });
      assert.equal(read.spec?.activeDeadlineSeconds, 3600);
      assert.equal(read.spec?.selector?.matchLabels?.['batch.kubernetes.io/controller-uid'], read.metadata?.uid);
      const list = await api.listNamespacedJob({ namespace: 'default' });
      assert.deepEqual(
        list.items.map((j) => j.metadata?.name),
        ['rollout'],
      );
    });
  });
});
