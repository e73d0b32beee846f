/**
 * Builds a kustomization of deploy/job as `kubectl kustomize` does, for the forms those files use
 * only: `resources` (files, and directories holding a kustomization), `namespace`, `labels` (on
 * metadata, as without includeSelectors/includeTemplates), JSON 6902 `patches` aimed by kind and
 * name, and `configMapGenerator` from `files` or `literals`. Generated ConfigMaps keep their plain
 * name (kustomize adds a content hash to it and to every reference; `withoutHashes` takes it off
 * kubectl's output). Any other field fails, so a test cannot pass over a form it does not apply;
 * test/deploy/job.clients.test.ts checks the result against kubectl's.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { applyJsonPatch } from '../../src/sandbox/kube/patch.ts';

export interface KubeObj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: any;
}

const UNDERSTOOD = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'labels', 'patches', 'configMapGenerator']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

export function renderKustomization(dir: string): KubeObj[] {
  const file = join(dir, 'kustomization.yaml');
  const k = parse(readFileSync(file, 'utf8'));
  for (const key of Object.keys(k)) {
    if (!UNDERSTOOD.has(key)) throw new Error(`${file}: ${key} is not a field this renderer applies`);
  }
  let objects: KubeObj[] = [];
  for (const r of k.resources ?? []) {
    const p = resolve(dir, r);
    if (!existsSync(p)) throw new Error(`${file}: resource ${r} does not exist`);
    objects.push(
      ...(statSync(p).isDirectory()
        ? renderKustomization(p)
        : parseAllDocuments(readFileSync(p, 'utf8')).map((d) => d.toJSON() as KubeObj)),
    );
  }
  for (const g of k.configMapGenerator ?? []) objects.push(generateConfigMap(dir, g));
  for (const p of k.patches ?? []) {
    const { kind, name, ...rest } = p.target ?? {};
    if (Object.keys(rest).length || !kind || !name || p.path)
      throw new Error(`${file}: only inline patches aimed by kind and name`);
    const i = objects.findIndex((o) => o.kind === kind && o.metadata.name === name);
    if (i < 0) throw new Error(`${file}: patch target ${kind}/${name} does not exist`);
    objects[i] = applyJsonPatch(objects[i], parse(p.patch));
  }
  if (k.namespace) {
    objects = objects.map((o) =>
      CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: k.namespace } },
    );
  }
  for (const l of k.labels ?? []) {
    const { pairs, ...rest } = l;
    if (Object.keys(rest).length) throw new Error(`${file}: labels take pairs only here`);
    objects = objects.map((o) => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, ...pairs } } }));
  }
  return objects;
}

function generateConfigMap(dir: string, g: { name: string; files?: string[]; literals?: string[] }): KubeObj {
  const { name, files, literals, ...rest } = g;
  if (Object.keys(rest).length) throw new Error(`configMapGenerator ${name}: only files and literals here`);
  const data: Record<string, string> = {};
  for (const f of files ?? []) data[basename(f)] = readFileSync(join(dir, f), 'utf8');
  for (const l of literals ?? []) {
    const i = l.indexOf('=');
    data[l.slice(0, i)] = l.slice(i + 1);
  }
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

/**
 * kubectl's build with the content hash taken off generated ConfigMap names and their references
 * (`cutover-rollout-dtbg96gc76` → `cutover-rollout`), for comparison with renderKustomization.
 */
export function withoutHashes(objects: KubeObj[], generated: string[]): KubeObj[] {
  let text = JSON.stringify(objects);
  for (const name of generated) text = text.replace(new RegExp(`"${name}-[a-z0-9]{10}"`, 'g'), `"${name}"`);
  return JSON.parse(text);
}

/** The one object of `kind` (fails when there is none or more). */
export function only(objects: KubeObj[], kind: string): KubeObj {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0]!;
}
