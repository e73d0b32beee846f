import type { BindingSpec, LabelSelector } from './types.ts';

/** A TargetGroupBinding custom object (cutover.dev/v1alpha1 or elbv2.k8s.aws/v1beta1). */
export interface BindingObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    generation?: number;
    resourceVersion?: string;
    uid?: string;
    deletionTimestamp?: string | Date;
    finalizers?: string[];
  };
  spec?: {
    serviceRef?: { name?: string; port?: number | string };
    targetGroupARN?: string;
    targetGroupName?: string;
    targetType?: string;
    nodeSelector?: LabelSelector;
    ipAddressType?: string;
    multiClusterTargetGroup?: boolean;
    iamRoleArnToAssume?: string;
    assumeRoleExternalId?: string;
  };
  status?: Record<string, unknown>;
}

/** What a binding says, before its target group is looked up (name → ARN, target type). */
export type RawBinding = Omit<BindingSpec, 'targetGroupARN' | 'targetType'> & {
  targetGroupARN?: string;
  targetGroupName?: string;
  targetType?: BindingSpec['targetType'];
};

/** The binding's spec as the reconciler reads it, or why it cannot be read. */
export function bindingSpec(o: BindingObject): { ok: true; spec: RawBinding } | { ok: false; message: string } {
  const s = o.spec ?? {};
  const where = `${o.metadata.namespace}/${o.metadata.name}`;
  if (!s.serviceRef?.name || s.serviceRef.port === undefined) {
    return { ok: false, message: `binding ${where} needs spec.serviceRef.name and spec.serviceRef.port` };
  }
  if (!s.targetGroupARN && !s.targetGroupName) {
    return { ok: false, message: `binding ${where} needs spec.targetGroupARN or spec.targetGroupName` };
  }
  if (s.targetType !== undefined && s.targetType !== 'ip' && s.targetType !== 'instance') {
    return {
      ok: false,
      message: `binding ${where}: targetType must be ip or instance (got ${JSON.stringify(s.targetType)})`,
    };
  }
  if (s.nodeSelector && s.targetType === 'ip') {
    return { ok: false, message: `binding ${where}: nodeSelector applies to targetType instance only` };
  }
  return {
    ok: true,
    spec: {
      namespace: o.metadata.namespace,
      name: o.metadata.name,
      serviceRef: { name: s.serviceRef.name, port: s.serviceRef.port },
      ...(s.targetGroupARN ? { targetGroupARN: s.targetGroupARN } : {}),
      ...(s.targetGroupName ? { targetGroupName: s.targetGroupName } : {}),
      ...(s.targetType ? { targetType: s.targetType } : {}),
      ...(s.nodeSelector ? { nodeSelector: s.nodeSelector } : {}),
      ...(s.ipAddressType === 'ipv6' ? { ipAddressType: 'ipv6' as const } : {}),
      ...(s.multiClusterTargetGroup ? { multiClusterTargetGroup: true } : {}),
      ...(s.iamRoleArnToAssume
        ? {
            assumeRole: {
              roleArn: s.iamRoleArnToAssume,
              ...(s.assumeRoleExternalId ? { externalId: s.assumeRoleExternalId } : {}),
            },
          }
        : {}),
    },
  };
}
