import { KubeConfig } from '@kubernetes/client-node';
import { CutoverError } from '../errors.ts';

/**
 * The kubeconfig as kubectl reads it (KUBECONFIG, else ~/.kube/config, else in-cluster service
 * account), switched to `context` when given. A context that does not exist is a usage error
 * naming the ones that do.
 */
export function loadKubeConfig(context?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (e) {
    throw new CutoverError('E_KUBECONFIG', 'cannot read the kubeconfig', {
      value: process.env.KUBECONFIG ?? '~/.kube/config',
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
