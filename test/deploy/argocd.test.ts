import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../helpers/run-cli.ts';
import { clusterParams, renderApplications, yamlDocs } from './argocd-render.ts';

/** Every file a kustomization pulls in, following directories to their kustomization.yaml. */
function kustomizationFiles(dir: string, seen = new Set<string>()): string[] {
  const file = join(dir, 'kustomization.yaml');
  assert.ok(existsSync(file), `${dir} has a kustomization.yaml`);
  if (seen.has(file)) return [];
  seen.add(file);
  const k = parse(readFileSync(file, 'utf8'));
  const out = [file];
  for (const r of k.resources ?? []) {
    const p = resolve(dir, r);
    assert.ok(existsSync(p), `${file}: resource ${r} exists`);
    out.push(...(statSync(p).isDirectory() ? kustomizationFiles(p, seen) : [p]));
  }
  return out;
}

/** The objects of a kustomization's resource files (no patches applied). */
const objectsOf = (dir: string) =>
  kustomizationFiles(dir)
    .filter((f) => !f.endsWith('kustomization.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJSON()));

describe('deploy/argocd: the agent and its bindings across a fleet', () => {
  const apps = renderApplications();

  it('GIVEN the ApplicationSets WHEN parsed THEN each is a Go-templated cluster generator selecting cutover.dev/agent=true', () => {
    const sets = yamlDocs('applicationset.yaml');
    assert.deepEqual(
      sets.map((s) => `${s.kind}/${s.metadata.name}`),
      ['ApplicationSet/cutover-agent', 'ApplicationSet/cutover-bindings'],
    );
    for (const s of sets) {
      assert.equal(s.spec.goTemplate, true);
      assert.deepEqual(s.spec.goTemplateOptions, ['missingkey=error']);
      assert.deepEqual(s.spec.generators, [
        { clusters: { selector: { matchLabels: { 'cutover.dev/agent': 'true' } } } },
      ]);
    }
  });

  it('GIVEN the example cluster secrets WHEN the generator runs THEN each cluster gets the agent and its bindings', () => {
    for (const s of yamlDocs('cluster-secrets.example.yaml')) {
      assert.equal(
        s.metadata.labels['argocd.argoproj.io/secret-type'],
        'cluster',
        `${s.metadata.name} is a cluster secret`,
      );
    }
    assert.deepEqual(
      apps.map((a) => `${a.app.metadata.name} → ${a.app.spec.destination.name}/${a.app.spec.destination.namespace}`),
      [
        'cutover-agent-blue → blue/cutover-system',
        'cutover-agent-green → green/cutover-system',
        'cutover-bindings-blue → blue/web',
        'cutover-bindings-green → green/web',
      ],
    );
  });

  it('GIVEN each rendered Application WHEN its source path is followed THEN the kustomization and every resource exist', () => {
    for (const { app } of apps) {
      const dir = join(REPO_ROOT, app.spec.source.path);
      assert.ok(existsSync(dir), `${app.metadata.name}: ${app.spec.source.path} exists`);
      assert.ok(kustomizationFiles(dir).length > 1, `${app.spec.source.path} has resources`);
    }
  });

  it("GIVEN a cluster's agent Application THEN its overlay runs the agent under that cluster's name", () => {
    for (const { app, cluster } of apps.filter((a) => a.appSet === 'cutover-agent')) {
      const overlay = parse(readFileSync(join(REPO_ROOT, app.spec.source.path, 'kustomization.yaml'), 'utf8'));
      const args = overlay.patches
        .flatMap((p: { patch: string }) => parse(p.patch))
        .find((op: { path: string }) => op.path.endsWith('/args')).value as string[];
      assert.ok(
        args.includes(`--cluster-name=${cluster.metadata.labels['cutover.dev/cluster']}`),
        `${app.spec.source.path}: ${args.join(' ')}`,
      );
    }
  });

  it("GIVEN a cluster's bindings Application THEN its patch targets an existing binding and names that cluster's target group", () => {
    for (const { app, cluster } of apps.filter((a) => a.appSet === 'cutover-bindings')) {
      const objects = objectsOf(join(REPO_ROOT, app.spec.source.path));
      for (const p of app.spec.source.kustomize!.patches!) {
        const target = objects.find((o) => o.kind === p.target.kind && o.metadata.name === p.target.name);
        assert.ok(target, `${app.metadata.name}: patch target ${p.target.kind}/${p.target.name} exists`);
        const ops = parse(p.patch) as Array<{ op: string; path: string; value: string }>;
        for (const op of ops) {
          const [, field, key] = op.path.split('/');
          assert.ok(key! in target[field!], `${op.path} exists in ${p.target.name} (op ${op.op})`);
        }
        assert.deepEqual(
          ops.map((o) => `${o.path}=${o.value}`),
          [`/spec/targetGroupName=${cluster.metadata.labels['cutover.dev/target-group']}`],
        );
      }
    }
  });

  it('GIVEN a cluster secret without the target-group label WHEN rendered THEN it fails as missingkey=error does', () => {
    const clusters = clusterParams();
    delete clusters[0]!.metadata.labels['cutover.dev/target-group'];
    assert.throws(() => renderApplications(clusters), /cluster blue has no label cutover.dev\/target-group/);
  });
});
