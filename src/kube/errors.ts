import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { CutoverError, ExitCode, isCutoverError, NETWORK_ERROR_CODES, systemErrorCode } from '../errors.ts';

/**
 * Kubernetes API failures → CutoverError, in one place, so a user never sees client-node's raw
 * `HTTP-Code: 404 Message: Unknown API Status Code! Body: … Headers: …` or a bare `fetch failed`.
 * Each message names the cluster, its kubeconfig context and API server, what was being done and
 * the server's own words; each hint says what to check or run.
 */
export interface KubeCallContext {
  /** The kubeconfig context the call went through. */
  context: string;
  /** The rollout's name for that cluster, when there is one. */
  cluster?: string;
  /** The API server's URL (from the kubeconfig). */
  server?: string;
  /** The verb as RBAC spells it: `get`, `list`, `patch`, `create`. */
  verb: string;
  /** The resource as RBAC spells it: `targetgroupbindings.cutover.dev`, `namespaces`. */
  resource: string;
  namespace?: string;
}

/** TLS failures: reached, but the server's certificate is not the one the kubeconfig trusts. */
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

/** `cluster blue (context blue)`, or `context blue` where no rollout names the cluster. */
export function whereKube(t: Pick<KubeCallContext, 'cluster' | 'context'>): string {
  return t.cluster ? `cluster ${t.cluster} (context ${t.context})` : `context ${t.context}`;
}

/** The API server a kubeconfig (already switched to its context) talks to. */
export function serverOf(kc: KubeConfig): string | undefined {
  return kc.getCurrentCluster()?.server;
}

/** The `message` of the Status object an API server answers with (its body is JSON text). */
function statusMessage(body: unknown): string | undefined {
  let b = body;
  if (typeof body === 'string') {
    try {
      b = JSON.parse(body);
    } catch {
      return body.trim() ? body.trim().split('\n')[0] : undefined;
    }
  }
  const m = (b as { message?: unknown } | undefined)?.message;
  return typeof m === 'string' && m ? m : undefined;
}

/** What a Status body says was not found (`details.kind`, e.g. `namespaces`), if anything. */
export function notFoundKind(e: unknown): string | undefined {
  if (!(e instanceof ApiException) || e.code !== 404) return undefined;
  try {
    const b = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    const kind = (b as { details?: { kind?: unknown } } | undefined)?.details?.kind;
    return typeof kind === 'string' ? kind : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `e` is a failure of the Kubernetes API (an HTTP status, or no answer at all). */
export function isKubeFailure(e: unknown): boolean {
  if (e instanceof ApiException) return true;
  const code = systemErrorCode(e);
  return code !== undefined && (NETWORK_ERROR_CODES.has(code) || TLS.test(code));
}

/**
 * The CutoverError for a failed Kubernetes API call. A CutoverError passes through; an error that
 * is no API failure (a bug) is returned unchanged, so it is still reported as one.
 */
export function kubeError(e: unknown, t: KubeCallContext): unknown {
  if (isCutoverError(e)) return e;
  const where = whereKube(t);
  const at = t.server ? ` at ${t.server}` : '';
  const check = `kubectl --context ${t.context}`;
  const code = systemErrorCode(e);
  if (!(e instanceof ApiException)) {
    if (code && TLS.test(code)) {
      return new CutoverError(
        'E_KUBE_TLS',
        `the Kubernetes API server of ${where}${at} does not present a certificate the kubeconfig trusts (${code})`,
        {
          hint: `check the context's certificate-authority data and server address; \`${check} cluster-info\` shows the same failure`,
          exitCode: ExitCode.invalid,
          cause: e,
        },
      );
    }
    if (code && NETWORK_ERROR_CODES.has(code)) {
      return new CutoverError(
        'E_KUBE_UNREACHABLE',
        `cannot reach the Kubernetes API server of ${where}${at} (${code})`,
        {
          hint: `is the cluster running, and is the kubeconfig's server address right? \`${check} cluster-info\` checks the same (for the sandbox: is \`cutover sandbox\` still running, and KUBECONFIG its kubeconfig?)`,
          exitCode: ExitCode.internal,
          cause: e,
        },
      );
    }
    if (e instanceof Error && /HTTP protocol is not allowed/.test(e.message)) {
      return new CutoverError(
        'E_KUBE_CONFIG',
        `the kubeconfig gives ${where} a plain-HTTP API server${at}, which the Kubernetes client refuses while TLS is verified`,
        {
          hint: `use the server's https:// address, or set insecure-skip-tls-verify: true on that cluster in the kubeconfig (local test servers only)`,
          exitCode: ExitCode.invalid,
          cause: e,
        },
      );
    }
    return e;
  }
  const said = statusMessage(e.body);
  const http = `HTTP ${e.code}${said ? `: ${said}` : ''}`;
  const inNs = t.namespace ? ` in namespace ${t.namespace}` : '';
  const nsFlag = t.namespace ? ` -n ${t.namespace}` : '';
  if (e.code === 401) {
    return new CutoverError(
      'E_KUBE_UNAUTHORIZED',
      `the Kubernetes API server of ${where}${at} rejected the kubeconfig's credentials (${http})`,
      {
        hint: `refresh them (for EKS: \`aws eks update-kubeconfig --name <cluster>\`, and check AWS_PROFILE); \`${check} auth whoami\` shows the same failure`,
        exitCode: ExitCode.invalid,
        cause: e,
      },
    );
  }
  if (e.code === 403) {
    return new CutoverError('E_KUBE_FORBIDDEN', `${where} does not allow ${t.verb} on ${t.resource}${inNs} (${http})`, {
      hint: `grant the kubeconfig's identity \`${t.verb}\` on ${t.resource} in RBAC (a Role or ClusterRole and its binding); \`${check} auth can-i ${t.verb} ${t.resource}${nsFlag}\` says yes once it can`,
      exitCode: ExitCode.invalid,
      cause: e,
    });
  }
  if (e.code === 404) {
    return new CutoverError('E_KUBE_NOT_FOUND', `${t.verb} ${t.resource}${inNs} in ${where}: not found (${http})`, {
      hint: `\`${check} api-resources\` lists what the cluster serves`,
      exitCode: ExitCode.invalid,
      cause: e,
    });
  }
  if (e.code === 429 || e.code >= 500) {
    return new CutoverError(
      'E_KUBE_SERVER_ERROR',
      `the Kubernetes API server of ${where}${at} failed to ${t.verb} ${t.resource}${inNs} (${http})`,
      {
        hint: `retry in a moment; \`${check} get --raw /readyz?verbose\` shows whether the API server is healthy`,
        exitCode: ExitCode.internal,
        cause: e,
      },
    );
  }
  return new CutoverError(
    'E_KUBE_REJECTED',
    `the Kubernetes API server of ${where} refused to ${t.verb} ${t.resource}${inNs} (${http})`,
    {
      hint: 'the server says which field or value it refused',
      exitCode: ExitCode.invalid,
      cause: e,
    },
  );
}

/** Runs one Kubernetes API call, mapping its failure with {@link kubeError}. */
export async function kubeCall<T>(t: KubeCallContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw kubeError(e, t);
  }
}
