import {
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  type KubeConfig,
  type KubernetesObject,
  ListWatch,
  PatchStrategy,
  setHeaderOptions,
  type V1EndpointSlice,
  type V1Node,
  type V1Pod,
  type V1Service,
  Watch,
} from '@kubernetes/client-node';
import type { BindingObject } from '../agent/binding-spec.ts';
import type { ClusterView, OwnershipStore } from '../agent/ports.ts';
import type { PodInfo } from '../agent/types.ts';
import type { WebhookView } from '../agent/webhook.ts';
import type { Clock } from '../util/clock.ts';
import { nodeInfo, podInfo, serviceInfo, sliceInfo } from './convert.ts';

/**
 * One cluster as the agent sees it: informers over bindings, Services, EndpointSlices, Pods and
 * Nodes (cached, resynced by watch), and the few writes the agent makes — binding status and
 * finalizers, pod readiness-gate conditions, Events, and the ownership ConfigMaps of shared
 * target groups. Everything goes through @kubernetes/client-node against the kubeconfig's
 * context (a real cluster or the sandbox).
 */
export interface BindingApi {
  group: string;
  version: string;
  plural: string;
}

export const CUTOVER_BINDINGS: BindingApi = {
  group: 'cutover.dev',
  version: 'v1alpha1',
  plural: 'targetgroupbindings',
};
export const AWS_LBC_BINDINGS: BindingApi = {
  group: 'elbv2.k8s.aws',
  version: 'v1beta1',
  plural: 'targetgroupbindings',
};

/** The binding API a `--binding-api` value names (`elbv2.k8s.aws/v1beta1`, else cutover's own). */
export function bindingApiOf(name: string | undefined): BindingApi {
  return name === `${AWS_LBC_BINDINGS.group}/${AWS_LBC_BINDINGS.version}` ? AWS_LBC_BINDINGS : CUTOVER_BINDINGS;
}

export type ChangeKind = 'binding' | 'service' | 'slice' | 'pod' | 'node';

type Cache<T extends KubernetesObject> = ListWatch<T>;

export interface AgentClusterOptions {
  kc: KubeConfig;
  api: BindingApi;
  clock: Clock;
  /** Called for every add, update and delete seen by an informer. */
  onChange: (kind: ChangeKind, namespace: string, obj: KubernetesObject) => void;
  onError?: (what: string, e: unknown) => void;
  /** Informers restart this long after an error (watch failures, API server restarts). */
  restartMs?: number;
  /**
   * A watch that delivers nothing (not even the server's periodic bookmarks) for this long
   * (wall-clock ms) is abandoned and re-established from its last resourceVersion; default
   * client-node's 30 s. It bounds how long a watch left half-open by an API server restart or a
   * network fault can hide changes.
   */
  watchTimeoutMs?: number;
}

export class AgentCluster {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  private readonly discovery: DiscoveryV1Api;
  readonly bindings: Cache<KubernetesObject & BindingObject>;
  readonly services: Cache<V1Service>;
  readonly slices: Cache<V1EndpointSlice>;
  readonly pods: Cache<V1Pod>;
  readonly nodes: Cache<V1Node>;
  private stopped = false;
  private eventSeq = 0;
  private readonly started = new Set<ChangeKind>();

  constructor(private readonly o: AgentClusterOptions) {
    const { kc, api } = o;
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.discovery = kc.makeApiClient(DiscoveryV1Api);
    // As client-node's makeInformer, with the watch's inactivity timeout configurable.
    const informer = <T extends KubernetesObject>(path: string, list: () => Promise<{ items: T[] }>): Cache<T> => {
      const watch = new Watch(kc);
      // client-node 2.x keeps the timeout in a field its typings mark private (default 30 000).
      if (o.watchTimeoutMs) (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = o.watchTimeoutMs;
      return new ListWatch<T>(path, watch, list as never, false);
    };
    this.bindings = informer(
      `/apis/${api.group}/${api.version}/${api.plural}`,
      () =>
        this.custom.listClusterCustomObject({ group: api.group, version: api.version, plural: api.plural }) as never,
    );
    this.services = informer('/api/v1/services', () => this.core.listServiceForAllNamespaces());
    this.slices = informer('/apis/discovery.k8s.io/v1/endpointslices', () =>
      this.discovery.listEndpointSliceForAllNamespaces(),
    );
    this.pods = informer('/api/v1/pods', () => this.core.listPodForAllNamespaces());
    this.nodes = informer('/api/v1/nodes', () => this.core.listNode());
    this.wire('binding', this.bindings);
    this.wire('service', this.services);
    this.wire('slice', this.slices);
    this.wire('pod', this.pods);
    this.wire('node', this.nodes);
  }

  /**
   * Lists and watches (resolves once listed). `kinds` starts only those informers — a standby
   * replica serving the webhook needs bindings and Services, not every pod of the cluster — and a
   * later call starts the rest; informers already started are left alone.
   */
  async start(kinds: readonly ChangeKind[] = ['binding', 'service', 'slice', 'pod', 'node']): Promise<void> {
    const todo = kinds.filter((k) => !this.started.has(k));
    for (const k of todo) this.started.add(k);
    await Promise.all(todo.map((k) => this.informer(k).start()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.started].map((k) => this.informer(k).stop()));
  }

  private informer(kind: ChangeKind): Cache<KubernetesObject> {
    const all: Record<ChangeKind, Cache<any>> = {
      binding: this.bindings,
      service: this.services,
      slice: this.slices,
      pod: this.pods,
      node: this.nodes,
    };
    return all[kind];
  }

  /** What the readiness-gate webhook reads: bindings and Service selectors, from the caches. */
  webhookView(): WebhookView {
    return {
      bindings: (ns) => this.bindings.list(ns) as BindingObject[],
      serviceSelector: (ns, name) => {
        const s = this.services.get(name, ns);
        return s ? { ...(s.spec?.selector ?? {}) } : undefined;
      },
    };
  }

  private wire<T extends KubernetesObject>(kind: ChangeKind, inf: Cache<T>): void {
    const notify = (obj: T) => this.o.onChange(kind, obj.metadata?.namespace ?? '', obj);
    inf.on('add', notify);
    inf.on('update', notify);
    inf.on('delete', notify);
    inf.on('error', (e) => {
      if (this.stopped || (e as Error)?.name === 'AbortError') return;
      this.o.onError?.(`${kind} watch`, e);
      // client-node stops an informer on error (a dropped watch, 410 Gone after a long outage,
      // an API server restart); it relists and watches again when started.
      this.o.clock.setTimeout(() => {
        if (!this.stopped) void inf.start().catch((err) => this.o.onError?.(`${kind} watch restart`, err));
      }, this.o.restartMs ?? 1_000);
    });
  }

  /** The caches and writes as the agent's controller reads them (plain records). */
  view(): ClusterView {
    return {
      bindings: () => this.bindings.list() as BindingObject[],
      binding: (ns, name) => this.bindings.get(name, ns) as BindingObject | undefined,
      service: (ns, name) => {
        const s = this.services.get(name, ns);
        return s ? serviceInfo(s) : undefined;
      },
      slicesOf: (ns, service) => this.slicesOf(ns, service).map(sliceInfo),
      podsIn: (ns) => new Map<string, PodInfo>(this.pods.list(ns).map((p) => [p.metadata?.name ?? '', podInfo(p)])),
      nodes: () => this.nodes.list().map(nodeInfo),
      patchBindingStatus: (ns, name, status) => this.patchBindingStatus(ns, name, status),
      setFinalizers: (ns, name, f) => this.setFinalizers(ns, name, f),
      setPodCondition: (ns, pod, c) => this.setPodCondition(ns, pod, c),
      event: (b, type, reason, message) => this.event(b, type, reason, message),
      ownership: (ns) => this.ownership(ns),
    };
  }

  /** The slices of a Service (label kubernetes.io/service-name). */
  slicesOf(namespace: string, service: string): V1EndpointSlice[] {
    return this.slices.list(namespace).filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === service);
  }

  async patchBindingStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void> {
    const { group, version, plural } = this.o.api;
    await this.custom.patchNamespacedCustomObjectStatus(
      { group, version, plural, namespace, name, body: { status } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  async setFinalizers(namespace: string, name: string, finalizers: string[]): Promise<void> {
    const { group, version, plural } = this.o.api;
    await this.custom.patchNamespacedCustomObject(
      { group, version, plural, namespace, name, body: { metadata: { finalizers } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  /** Sets one pod condition (the readiness gate), merged by type with the others. */
  async setPodCondition(
    namespace: string,
    pod: string,
    c: { type: string; status: string; reason: string; message: string },
  ): Promise<void> {
    const condition = { ...c, lastTransitionTime: new Date(this.o.clock.now()).toISOString() };
    await this.core.patchNamespacedPodStatus(
      { namespace, name: pod, body: { status: { conditions: [condition] } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
  }

  async event(binding: BindingObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const now = new Date(this.o.clock.now());
    const ns = binding.metadata.namespace;
    await this.core.createNamespacedEvent({
      namespace: ns,
      body: {
        // As client-go's recorder names events: the object's name and a unique hex suffix.
        metadata: {
          name: `${binding.metadata.name}.${(now.getTime() * 1000 + (this.eventSeq++ % 1000)).toString(16)}`,
          namespace: ns,
        },
        involvedObject: {
          apiVersion: `${this.o.api.group}/${this.o.api.version}`,
          kind: 'TargetGroupBinding',
          name: binding.metadata.name,
          namespace: ns,
          ...(binding.metadata.uid ? { uid: binding.metadata.uid } : {}),
        },
        type,
        reason,
        message,
        source: { component: 'cutover-agent' },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
  }

  /** Ownership of shared target groups, one ConfigMap per binding (`cutover-targets-<binding>`). */
  ownership(namespace: string): OwnershipStore {
    const cmName = (binding: string) => `cutover-targets-${binding}`;
    return {
      load: async (binding) => {
        try {
          const cm = await this.core.readNamespacedConfigMap({ namespace, name: cmName(binding) });
          const text = cm.data?.targets ?? '';
          return new Set(text ? text.split(',') : []);
        } catch (e) {
          if ((e as { code?: number }).code === 404) return new Set();
          throw e;
        }
      },
      save: async (binding, owned) => {
        const body = {
          metadata: { name: cmName(binding), namespace, labels: { 'app.kubernetes.io/managed-by': 'cutover-agent' } },
          data: { targets: [...owned].sort().join(',') },
        };
        try {
          await this.core.replaceNamespacedConfigMap({ namespace, name: cmName(binding), body });
        } catch (e) {
          if ((e as { code?: number }).code !== 404) throw e;
          await this.core.createNamespacedConfigMap({ namespace, body });
        }
      },
    };
  }
}
