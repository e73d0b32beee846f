/**
 * Request bodies in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`), which
 * client-go 1.32's typed clients send by default — so `kubectl create namespace|configmap|secret|
 * serviceaccount` work. The envelope is `k8s\0` + runtime.Unknown {typeMeta, raw}; `raw` is decoded
 * with the field numbers of k8s.io/api's generated.proto for the few kinds below (and
 * DeleteOptions). Go's encoder writes every non-pointer scalar, so empty strings, zeros and false
 * are dropped as JSON's `omitempty` would (map values are kept). Other kinds → undefined.
 */

type Scalar = 'string' | 'bytes' | 'bool' | 'int' | 'time';
interface Field {
  name: string;
  type: Scalar | Schema;
  repeated?: boolean;
  /** A `map<string, V>`: entries {1: key, 2: value}. */
  map?: 'string' | 'bytes';
}
type Schema = Record<number, Field>;

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const ownerReference: Schema = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};
const objectMeta: Schema = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: 'time' },
  9: { name: 'deletionTimestamp', type: 'time' },
  10: { name: 'deletionGracePeriodSeconds', type: 'int' },
  11: { name: 'labels', type: 'string', map: 'string' },
  12: { name: 'annotations', type: 'string', map: 'string' },
  13: { name: 'ownerReferences', type: ownerReference, repeated: true },
  14: { name: 'finalizers', type: 'string', repeated: true },
};
const objectReference: Schema = {
  1: { name: 'kind', type: 'string' },
  2: { name: 'namespace', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'fieldPath', type: 'string' },
};
const meta: Field = { name: 'metadata', type: objectMeta };

/** By `apiVersion/kind`. */
const KINDS: Record<string, Schema> = {
  'v1/Namespace': {
    1: meta,
    2: { name: 'spec', type: { 1: { name: 'finalizers', type: 'string', repeated: true } } },
    3: { name: 'status', type: { 1: { name: 'phase', type: 'string' } } },
  },
  'v1/ConfigMap': {
    1: meta,
    2: { name: 'data', type: 'string', map: 'string' },
    3: { name: 'binaryData', type: 'bytes', map: 'bytes' },
    4: { name: 'immutable', type: 'bool' },
  },
  'v1/Secret': {
    1: meta,
    2: { name: 'data', type: 'bytes', map: 'bytes' },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: 'string', map: 'string' },
    5: { name: 'immutable', type: 'bool' },
  },
  'v1/ServiceAccount': {
    1: meta,
    2: { name: 'secrets', type: objectReference, repeated: true },
    3: { name: 'imagePullSecrets', type: { 1: { name: 'name', type: 'string' } }, repeated: true },
    4: { name: 'automountServiceAccountToken', type: 'bool' },
  },
  'v1/DeleteOptions': {
    1: { name: 'gracePeriodSeconds', type: 'int' },
    2: {
      name: 'preconditions',
      type: { 1: { name: 'uid', type: 'string' }, 2: { name: 'resourceVersion', type: 'string' } },
    },
    3: { name: 'orphanDependents', type: 'bool' },
    4: { name: 'propagationPolicy', type: 'string' },
    5: { name: 'dryRun', type: 'string', repeated: true },
  },
};
const typeMeta: Schema = { 1: { name: 'apiVersion', type: 'string' }, 2: { name: 'kind', type: 'string' } };
const unknown: Schema = { 1: { name: 'typeMeta', type: typeMeta }, 2: { name: 'raw', type: 'bytes' } };

/** The kinds a protobuf body can carry here. */
export const PROTOBUF_KINDS = Object.keys(KINDS).map((k) => k.split('/')[1]);

/** The JSON form of a protobuf request body, or undefined when its kind is not one of PROTOBUF_KINDS. */
export function decodeKubeProtobuf(body: Buffer): Record<string, any> | undefined {
  if (!body.subarray(0, 4).equals(MAGIC)) throw new Error('protobuf body lacks the k8s envelope prefix');
  const env = decodeMessage(body.subarray(4), unknown, true);
  const { apiVersion = '', kind = '' } = env.typeMeta ?? {};
  const schema = KINDS[`${apiVersion}/${kind}`];
  if (!schema) return undefined;
  return { apiVersion, kind, ...decodeMessage(Buffer.from(env.raw ?? '', 'base64'), schema, false) };
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  }
  bytes(): Buffer {
    const n = Number(this.varint());
    if (this.pos + n > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function decodeMessage(buf: Buffer, schema: Schema, keepEmpty: boolean): Record<string, any> {
  const out: Record<string, any> = {};
  const r = new Reader(buf);
  while (!r.done()) {
    const tag = r.varint();
    const spec = schema[Number(tag >> 3n)];
    if (!spec) {
      r.skip(Number(tag & 7n));
      continue;
    }
    if (spec.map) {
      const entry = decodeMessage(
        r.bytes(),
        { 1: { name: 'k', type: 'string' }, 2: { name: 'v', type: spec.map } },
        true,
      );
      out[spec.name] ??= {};
      out[spec.name][entry.k ?? ''] = entry.v ?? '';
      continue;
    }
    const v = decodeValue(r, spec.type);
    if (spec.repeated) {
      out[spec.name] ??= [];
      out[spec.name].push(v);
    } else if (keepEmpty || !(v === '' || v === 0 || v === false || v === undefined)) out[spec.name] = v;
  }
  return out;
}

function decodeValue(r: Reader, type: Scalar | Schema): unknown {
  if (typeof type === 'object') return decodeMessage(r.bytes(), type, false);
  switch (type) {
    case 'string':
      return r.bytes().toString('utf8');
    case 'bytes':
      return r.bytes().toString('base64');
    case 'bool':
      return r.varint() !== 0n;
    case 'int':
      return Number(BigInt.asIntN(64, r.varint()));
    case 'time': {
      // metav1.Time: {seconds, nanos}; an empty message is the zero time (omitted).
      const t = decodeMessage(r.bytes(), { 1: { name: 's', type: 'int' }, 2: { name: 'n', type: 'int' } }, false);
      return t.s === undefined ? undefined : new Date(t.s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
  }
}
