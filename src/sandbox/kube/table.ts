/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), which is what
 * `kubectl get` asks for. Columns follow the real printers for the kinds the sandbox holds; other
 * kinds get NAME/AGE; custom resources use the CRD's additionalPrinterColumns.
 */
import type { ResourceDef } from './resources.ts';
import type { KubeObject } from './store.ts';
import { appsPrinters, type Printer } from './table-apps.ts';

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | boolean;

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8)
    return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

function podStatus(o: KubeObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  const waiting = (o.status?.containerStatuses ?? []).find((c: any) => c?.state?.waiting?.reason)?.state.waiting.reason;
  return waiting ?? o.status?.reason ?? o.status?.phase ?? 'Unknown';
}

function servicePorts(o: KubeObject): string {
  const ports: any[] = o.spec?.ports ?? [];
  if (!ports.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function sliceEndpoints(o: KubeObject): string {
  const addrs: string[] = (o.endpoints ?? []).flatMap((e: any) => e?.addresses ?? []);
  if (!addrs.length) return '<unset>';
  return addrs.length > 3 ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...` : addrs.join(',');
}

const printers: Record<string, Printer> = {
  ...appsPrinters,
  '/pods': {
    columns: [
      ['Name', 'string'],
      ['Ready', 'string'],
      ['Status', 'string'],
      ['Restarts', 'string'],
      ['Age', 'string'],
      ['IP', 'string', 1],
      ['Node', 'string', 1],
      ['Nominated Node', 'string', 1],
      ['Readiness Gates', 'string', 1],
    ],
    cells: (o, age) => {
      const statuses: any[] = o.status?.containerStatuses ?? [];
      const gates: any[] = o.spec?.readinessGates ?? [];
      const conds: any[] = o.status?.conditions ?? [];
      const trueGates = gates.filter((g) => conds.some((c) => c?.type === g?.conditionType && c?.status === 'True'));
      return [
        o.metadata.name,
        `${statuses.filter((s) => s?.ready).length}/${(o.spec?.containers ?? []).length}`,
        podStatus(o),
        String(statuses.reduce((n, s) => n + (s?.restartCount ?? 0), 0)),
        age,
        o.status?.podIP ?? '<none>',
        o.spec?.nodeName ?? '<none>',
        o.status?.nominatedNodeName ?? '<none>',
        gates.length ? `${trueGates.length}/${gates.length}` : '<none>',
      ];
    },
  },
  '/namespaces': {
    columns: [
      ['Name', 'string'],
      ['Status', 'string'],
      ['Age', 'string'],
    ],
    cells: (o, age) => [o.metadata.name, o.status?.phase ?? 'Active', age],
  },
  '/services': {
    columns: [
      ['Name', 'string'],
      ['Type', 'string'],
      ['Cluster-IP', 'string'],
      ['External-IP', 'string'],
      ['Port(s)', 'string'],
      ['Age', 'string'],
      ['Selector', 'string', 1],
    ],
    cells: (o, age) => [
      o.metadata.name,
      o.spec?.type ?? 'ClusterIP',
      o.spec?.clusterIP ?? '<none>',
      (o.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip ?? i.hostname).join(',') || '<none>',
      servicePorts(o),
      age,
      Object.entries(o.spec?.selector ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '<none>',
    ],
  },
  '/configmaps': {
    columns: [
      ['Name', 'string'],
      ['Data', 'integer'],
      ['Age', 'string'],
    ],
    cells: (o, age) => [
      o.metadata.name,
      Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length,
      age,
    ],
  },
  'discovery.k8s.io/endpointslices': {
    columns: [
      ['Name', 'string'],
      ['AddressType', 'string'],
      ['Ports', 'string'],
      ['Endpoints', 'string'],
      ['Age', 'string'],
    ],
    cells: (o, age) => [
      o.metadata.name,
      o.addressType ?? '',
      (o.ports ?? []).map((p: any) => p?.port).join(',') || '<unset>',
      sliceEndpoints(o),
      age,
    ],
  },
  'coordination.k8s.io/leases': {
    columns: [
      ['Name', 'string'],
      ['Holder', 'string'],
      ['Age', 'string'],
    ],
    cells: (o, age) => [o.metadata.name, o.spec?.holderIdentity ?? '', age],
  },
  '/events': {
    columns: [
      ['Last Seen', 'date'],
      ['Type', 'string'],
      ['Reason', 'string'],
      ['Object', 'string'],
      ['Message', 'string'],
    ],
    cells: (o) => [
      o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp ?? '',
      o.type ?? '',
      o.reason ?? '',
      `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`,
      o.message ?? '',
    ],
  },
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': {
    columns: [
      ['Name', 'string'],
      ['Webhooks', 'integer'],
      ['Age', 'string'],
    ],
    cells: (o, age) => [o.metadata.name, Array.isArray(o.webhooks) ? o.webhooks.length : 0, age],
  },
  'apiextensions.k8s.io/customresourcedefinitions': {
    columns: [
      ['Name', 'string'],
      ['Created At', 'string'],
    ],
    cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? ''],
  },
};

const defaultPrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Age', 'string'],
  ],
  cells: (o, age) => [o.metadata.name, age],
};

/**
 * Evaluates the JSONPath subset CRDs use in printer columns — fields (`.spec.a.b`), indexes
 * (`.status.x[0].y`) and filters on a field (`.status.conditions[?(@.type=="Ready")].status`) —
 * to the first result, as the API server's table convertor prints `results[0][0]`.
 */
export function jsonPath(o: unknown, path: string): unknown {
  let cur: any[] = [o];
  let rest = path.trim().replace(/^\{/, '').replace(/\}$/, '');
  while (rest) {
    const field = /^\.?([A-Za-z0-9_-]+)/.exec(rest);
    const index = field ? null : /^\[(\d+)\]/.exec(rest);
    const filter =
      field || index
        ? null
        : /^\[\?\(@\.([A-Za-z0-9_.-]+)\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)'|(-?\d+(?:\.\d+)?)|(true|false))\)\]/.exec(
            rest,
          );
    const m = field ?? index ?? filter;
    if (!m) return undefined;
    if (field) {
      const key = field[1]!;
      cur = cur.map((v) => v?.[key]).filter((v) => v !== undefined);
    } else if (index) {
      const i = Number(index[1]);
      cur = cur.map((v) => (Array.isArray(v) ? v[i] : undefined)).filter((v) => v !== undefined);
    } else if (filter) {
      const [, key, op, dq, sq, num, bool] = filter;
      const want = dq ?? sq ?? (num !== undefined ? Number(num) : bool === 'true');
      const test = (el: unknown) => {
        const got = key!.split('.').reduce<any>((v, k) => v?.[k], el);
        return op === '==' ? got === want : got !== undefined && got !== want;
      };
      cur = cur.flatMap((v) => (Array.isArray(v) ? v.filter(test) : []));
    }
    rest = rest.slice(m[0].length);
  }
  return cur[0];
}

function customPrinter(def: ResourceDef): Printer | undefined {
  const cols = def.printerColumns ?? [];
  if (!cols.length) return undefined;
  return {
    columns: [['Name', 'string'], ...cols.map((c): [string, string, number] => [c.name, c.type, c.priority ?? 0])],
    cells: (o) => [
      o.metadata.name,
      ...cols.map((c) => {
        const v = jsonPath(o, c.jsonPath);
        if (v === undefined || v === null) return '';
        return typeof v === 'object' ? JSON.stringify(v) : (v as Cell);
      }),
    ],
  };
}

export function printerFor(def: ResourceDef, now: number): { columns: TableColumn[]; row: (o: KubeObject) => Cell[] } {
  const p = (def.custom ? customPrinter(def) : printers[`${def.group}/${def.resource}`]) ?? defaultPrinter;
  const columns = p.columns.map(([name, type, priority]) => ({
    name,
    type: type === 'date' ? 'string' : type,
    format: name === 'Name' ? 'name' : '',
    description: name === 'Name' ? 'Name must be unique within a namespace.' : '',
    priority: priority ?? 0,
  }));
  return {
    columns,
    row: (o) => {
      const age = humanDuration(now - Date.parse(o.metadata.creationTimestamp ?? new Date(now).toISOString()));
      return p
        .cells(o, age, now)
        .map((c, i) =>
          p.columns[i]?.[1] === 'date' && typeof c === 'string' && c ? humanDuration(now - Date.parse(c)) : c,
        );
    },
  };
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function tableRow(o: KubeObject, cells: Cell[], include: IncludeObject): Record<string, unknown> {
  if (include === 'None') return { cells };
  if (include === 'Object') return { cells, object: o };
  return {
    cells,
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
  };
}
