import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { CutoverError } from '../errors.ts';

/**
 * The kubeconfig as kubectl finds it — the files in KUBECONFIG (merged, first one wins), else
 * ~/.kube/config, else the in-cluster service account — switched to `context` when given. A
 * context that does not exist is a usage error naming the ones that do. `env` is passed in (not
 * read from process.env) so a command runs against the environment it was given.
 */
export function loadKubeConfig(context: string | undefined, env: NodeJS.ProcessEnv): KubeConfig {
  const kc = new KubeConfig();
  const files = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  const home = env.HOME ? join(env.HOME, '.kube', 'config') : undefined;
  const where = files.length ? files.join(delimiter) : (home ?? '~/.kube/config');
  try {
    if (files.length) {
      kc.loadFromFile(files[0]!);
      for (const f of files.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(f);
        kc.mergeConfig(more, true);
      }
    } else if (home && existsSync(home)) {
      kc.loadFromFile(home);
    } else if (env.KUBERNETES_SERVICE_HOST) {
      kc.loadFromCluster();
    } else {
      throw new Error('no KUBECONFIG, no ~/.kube/config and not running in a cluster');
    }
  } catch (e) {
    throw new CutoverError('E_KUBECONFIG', 'cannot read the kubeconfig', {
      value: where,
      hint: `set KUBECONFIG to a readable kubeconfig (${e instanceof Error ? e.message : String(e)})`,
    });
  }
  if (context !== undefined) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(context)) {
      throw new CutoverError('E_KUBE_CONTEXT', `no kubeconfig context named ${JSON.stringify(context)}`, {
        value: context,
        hint: names.length ? `contexts: ${names.join(', ')}` : 'the kubeconfig has no contexts',
      });
    }
    kc.setCurrentContext(context);
  }
  return kc;
}
