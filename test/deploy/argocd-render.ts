/**
 * Renders deploy/argocd/applicationset.yaml for the example cluster secrets as ArgoCD's cluster
 * generator would: parameters `.name`, `.server` and `.metadata.labels` of each secret whose labels
 * match the generator's selector, Go templates with missingkey=error. Only the template forms the
 * file uses are understood (`{{ .name }}`, `{{ .server }}`, `{{ index .metadata.labels "k" }}`);
 * anything else fails, so the test cannot pass over a template it does not check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../helpers/run-cli.ts';

export const ARGOCD = join(REPO_ROOT, 'deploy/argocd');

export interface ClusterParams {
  name: string;
  server: string;
  metadata: { labels: Record<string, string> };
}

export interface RenderedApp {
  appSet: string;
  cluster: ClusterParams;
  app: {
    metadata: { name: string };
    spec: {
      source: {
        path: string;
        kustomize?: { patches?: Array<{ target: { kind: string; name: string }; patch: string }> };
      };
      destination: { name: string; namespace: string };
    };
  };
}

export const yamlDocs = (file: string): any[] =>
  parseAllDocuments(readFileSync(join(ARGOCD, file), 'utf8')).map((d) => d.toJSON());

export function clusterParams(): ClusterParams[] {
  return yamlDocs('cluster-secrets.example.yaml').map((s) => ({
    name: s.stringData.name,
    server: s.stringData.server,
    metadata: { labels: s.metadata.labels },
  }));
}

function renderString(template: string, p: ClusterParams): string {
  return template.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_, expr: string) => {
    if (expr === '.name') return p.name;
    if (expr === '.server') return p.server;
    const m = /^index \.metadata\.labels "([^"]+)"$/.exec(expr);
    if (m) {
      const v = p.metadata.labels[m[1]!];
      if (v === undefined) throw new Error(`cluster ${p.name} has no label ${m[1]} (missingkey=error)`);
      return v;
    }
    throw new Error(`template expression {{ ${expr} }} is not one this test renders`);
  });
}

function render<T>(v: T, p: ClusterParams): T {
  if (typeof v === 'string') return renderString(v, p) as T;
  if (Array.isArray(v)) return v.map((x) => render(x, p)) as T;
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, render(x, p)])) as T;
  }
  return v;
}

const matches = (labels: Record<string, string>, sel: Record<string, string>) =>
  Object.entries(sel).every(([k, v]) => labels[k] === v);

/** One Application per (ApplicationSet, matching cluster). */
export function renderApplications(clusters: ClusterParams[] = clusterParams()): RenderedApp[] {
  return yamlDocs('applicationset.yaml').flatMap((set) => {
    const gens = set.spec.generators as Array<{ clusters?: { selector: { matchLabels: Record<string, string> } } }>;
    return gens.flatMap((g) =>
      clusters
        .filter((c) => matches(c.metadata.labels, g.clusters!.selector.matchLabels))
        .map((c) => ({ appSet: set.metadata.name, cluster: c, app: render(set.spec.template, c) })),
    );
  });
}
