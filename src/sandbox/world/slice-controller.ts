/**
 * The EndpointSlice controller's writes: for one Service, the slices `planSlices` wants are
 * created, updated and deleted in the store (labelled, owned by the Service, as the real
 * controller does); a deleted Service's slices are garbage-collected.
 */
import type { ClusterState } from './cluster-state.ts';
import { type Endpoint, planSlices, type Slice, type SlicePod } from './endpoint-slices.ts';
import { reconcileEndpoints } from './endpoints-controller.ts';
import { MANAGED_BY_LABEL, REF, SERVICE_NAME_LABEL, SLICE_CONTROLLER, selectorMatches } from './kube-objects.ts';
import { suffix } from './pod-sim.ts';

const SLICE_MANAGER = { fieldManager: 'endpointslice-controller' };

export function reconcileSlices(s: ClusterState, key: string, maxEndpointsPerSlice: number): void {
  const [namespace, name] = key.split('/') as [string, string];
  const svc = s.store.get(REF.services, namespace, name);
  reconcileEndpoints(s, namespace, name, svc);
  const existing = s.store.list(REF.endpointSlices, namespace, {
    labelSelector: `${SERVICE_NAME_LABEL}=${name}`,
  }).items;
  s.self(() => {
    if (!svc?.spec?.selector) {
      // A deleted Service's slices are garbage-collected; selector-less Services are left to their owners.
      if (!svc) for (const x of existing) s.store.delete(REF.endpointSlices, namespace, x.metadata.name);
      return;
    }
    const pods: SlicePod[] = [];
    for (const p of s.pods.values()) {
      if (p.namespace !== namespace || !selectorMatches(svc.spec.selector, p.labels)) continue;
      pods.push({
        name: p.name,
        uid: p.uid,
        ip: p.ip,
        nodeName: p.nodeName,
        zone: p.zone,
        ready: p.ready,
        terminating: p.terminating,
        containerPorts: p.containerPorts,
      });
    }
    pods.sort((a, b) => (a.name < b.name ? -1 : 1));
    const current: Slice[] = existing.map((x) => ({
      name: x.metadata.name,
      ports: x.ports ?? [],
      endpoints: (x.endpoints ?? []) as Endpoint[],
    }));
    const plan = planSlices(
      {
        name,
        namespace,
        uid: svc.metadata.uid ?? '',
        ports: svc.spec.ports ?? [],
        publishNotReadyAddresses: svc.spec.publishNotReadyAddresses === true,
      },
      pods,
      current,
      maxEndpointsPerSlice,
      () => `${name}-${suffix(s.rng)}`,
    );
    const labels = { [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: SLICE_CONTROLLER };
    const owner = {
      apiVersion: 'v1',
      kind: 'Service',
      name,
      uid: svc.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    };
    for (const x of plan.create) {
      s.store.create(
        REF.endpointSlices,
        {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: x.name, namespace, generateName: `${name}-`, labels, ownerReferences: [owner] },
          addressType: 'IPv4',
          ports: x.ports,
          endpoints: x.endpoints,
        },
        SLICE_MANAGER,
      );
    }
    for (const x of plan.update) {
      const o = existing.find((e) => e.metadata.name === x.name)!;
      s.store.update(REF.endpointSlices, { ...o, ports: x.ports, endpoints: x.endpoints }, SLICE_MANAGER);
    }
    for (const n of plan.delete) s.store.delete(REF.endpointSlices, namespace, n);
  });
}
