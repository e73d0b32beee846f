/**
 * Printers (server-side `as=Table`) for nodes, Deployments and ReplicaSets, with the columns of
 * the real printers (k8s.io/kubernetes pkg/printers/internalversion/printers.go): nodes NAME STATUS
 * ROLES AGE VERSION (wide: INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME);
 * Deployments NAME READY UP-TO-DATE AVAILABLE AGE and ReplicaSets NAME DESIRED CURRENT READY AGE
 * (wide: CONTAINERS IMAGES SELECTOR); Jobs NAME STATUS COMPLETIONS DURATION AGE (wide: CONTAINERS
 * IMAGES SELECTOR); Endpoints NAME ENDPOINTS AGE.
 */
import type { KubeObject } from './store.ts';
import { humanDuration } from './table.ts';

type Cell = string | number | boolean;
export type Printer = {
  columns: Array<[name: string, type: string, priority?: number]>;
  /** `now` (ms) for columns that show a running duration. */
  cells: (o: KubeObject, age: string, now: number) => Cell[];
};

/** metav1.FormatLabelSelector: requirements sorted by key; `<none>` when empty. */
export function formatSelector(sel: Record<string, any> | undefined): string {
  const reqs: Array<[string, string]> = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => [k, `${k}=${v}`]);
  for (const e of sel?.matchExpressions ?? []) {
    const values = [...(e?.values ?? [])].sort().join(',');
    const op = String(e?.operator ?? '');
    const text =
      op === 'Exists' ? e.key : op === 'DoesNotExist' ? `!${e.key}` : `${e.key} ${op.toLowerCase()} (${values})`;
    reqs.push([e?.key ?? '', text]);
  }
  reqs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return reqs.map(([, t]) => t).join(',') || '<none>';
}

const containers = (o: KubeObject): any[] => o.spec?.template?.spec?.containers ?? [];
const wide = (o: KubeObject): Cell[] => [
  containers(o)
    .map((c) => c?.name)
    .join(','),
  containers(o)
    .map((c) => c?.image)
    .join(','),
  formatSelector(o.spec?.selector),
];
const WIDE_COLUMNS: Printer['columns'] = [
  ['Containers', 'string', 1],
  ['Images', 'string', 1],
  ['Selector', 'string', 1],
];

function nodeStatus(o: KubeObject): string {
  const ready = (o.status?.conditions ?? []).find((c: any) => c?.type === 'Ready');
  const s = ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown';
  return o.spec?.unschedulable ? `${s},SchedulingDisabled` : s;
}

function nodeRoles(o: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries<string>(o.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

const hasCondition = (o: KubeObject, type: string) =>
  (o.status?.conditions ?? []).some((c: any) => c?.type === type && c?.status === 'True');

/** printers.go printJob: the first of these that holds, else Running. */
function jobStatus(o: KubeObject): string {
  if (hasCondition(o, 'Complete')) return 'Complete';
  if (hasCondition(o, 'Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(o, 'Suspended')) return 'Suspended';
  if (hasCondition(o, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(o: KubeObject): string {
  const succeeded = o.status?.succeeded ?? 0;
  if (o.spec?.completions != null) return `${succeeded}/${o.spec.completions}`;
  const parallelism = o.spec?.parallelism;
  return parallelism != null && parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(o: KubeObject, now: number): string {
  const start = o.status?.startTime;
  if (!start) return '';
  const end = o.status?.completionTime ? Date.parse(o.status.completionTime) : now;
  return humanDuration(end - Date.parse(start));
}

const address = (o: KubeObject, type: string) =>
  (o.status?.addresses ?? []).find((a: any) => a?.type === type)?.address ?? '<none>';

/** printers.go formatEndpoints: ready `ip:port` pairs, subset by subset, port by port; 3 at most. */
function endpointsList(o: KubeObject): string {
  const list: string[] = [];
  for (const ss of o.subsets ?? []) {
    const ports: any[] = ss?.ports?.length ? ss.ports : [undefined];
    for (const p of ports) for (const a of ss?.addresses ?? []) list.push(p ? `${a?.ip}:${p.port}` : String(a?.ip));
  }
  if (!list.length) return '<none>';
  return list.length > 3 ? `${list.slice(0, 3).join(',')} + ${list.length - 3} more...` : list.join(',');
}

export const appsPrinters: Record<string, Printer> = {
  '/endpoints': {
    columns: [
      ['Name', 'string'],
      ['Endpoints', 'string'],
      ['Age', 'string'],
    ],
    cells: (o, age) => [o.metadata.name, endpointsList(o), age],
  },
  '/nodes': {
    columns: [
      ['Name', 'string'],
      ['Status', 'string'],
      ['Roles', 'string'],
      ['Age', 'string'],
      ['Version', 'string'],
      ['Internal-IP', 'string', 1],
      ['External-IP', 'string', 1],
      ['OS-Image', 'string', 1],
      ['Kernel-Version', 'string', 1],
      ['Container-Runtime', 'string', 1],
    ],
    cells: (o, age) => {
      const info = o.status?.nodeInfo ?? {};
      return [
        o.metadata.name,
        nodeStatus(o),
        nodeRoles(o),
        age,
        info.kubeletVersion ?? '',
        address(o, 'InternalIP'),
        address(o, 'ExternalIP'),
        info.osImage || '<unknown>',
        info.kernelVersion || '<unknown>',
        info.containerRuntimeVersion || '<unknown>',
      ];
    },
  },
  'apps/deployments': {
    columns: [
      ['Name', 'string'],
      ['Ready', 'string'],
      ['Up-to-date', 'integer'],
      ['Available', 'integer'],
      ['Age', 'string'],
      ...WIDE_COLUMNS,
    ],
    cells: (o, age) => [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
      o.status?.updatedReplicas ?? 0,
      o.status?.availableReplicas ?? 0,
      age,
      ...wide(o),
    ],
  },
  'batch/jobs': {
    columns: [
      ['Name', 'string'],
      ['Status', 'string'],
      ['Completions', 'string'],
      ['Duration', 'string'],
      ['Age', 'string'],
      ...WIDE_COLUMNS,
    ],
    cells: (o, age, now) => [o.metadata.name, jobStatus(o), jobCompletions(o), jobDuration(o, now), age, ...wide(o)],
  },
  'apps/replicasets': {
    columns: [
      ['Name', 'string'],
      ['Desired', 'integer'],
      ['Current', 'integer'],
      ['Ready', 'integer'],
      ['Age', 'string'],
      ...WIDE_COLUMNS,
    ],
    cells: (o, age) => [
      o.metadata.name,
      o.spec?.replicas ?? 0,
      o.status?.replicas ?? 0,
      o.status?.readyReplicas ?? 0,
      age,
      ...wide(o),
    ],
  },
};
