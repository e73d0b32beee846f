import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeKubeProtobuf } from '../../../src/sandbox/kube/protobuf.ts';

// A minimal protobuf writer: field(n, value) with strings/buffers as length-delimited, numbers as varints.
const varint = (n: number) => {
  const out: number[] = [];
  for (let v = n; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      out.push(v);
      return Buffer.from(out);
    }
    out.push((v % 128) | 128);
  }
};
const field = (n: number, v: string | Buffer | number | boolean) =>
  typeof v === 'number' || typeof v === 'boolean'
    ? Buffer.concat([varint(n * 8), varint(Number(v))])
    : Buffer.concat([varint(n * 8 + 2), varint(Buffer.byteLength(v)), Buffer.from(v)]);
const msg = (...parts: Buffer[]) => Buffer.concat(parts);
const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([Buffer.from('k8s\0', 'binary'), field(1, msg(field(1, apiVersion), field(2, kind))), field(2, raw)]);

describe('protobuf request bodies', () => {
  it('decodes a ConfigMap as Go encodes it: empty scalars dropped, empty map values and empty messages kept', () => {
    const meta = msg(
      field(1, 'cfg'),
      field(2, ''),
      field(3, ''),
      field(7, 0),
      field(8, Buffer.alloc(0)),
      field(11, msg(field(1, 'app'), field(2, 'web'))),
    );
    const raw = msg(field(1, meta), field(2, msg(field(1, 'a'), field(2, 'b'))), field(2, msg(field(1, 'empty'))));
    assert.deepEqual(decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw)), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', labels: { app: 'web' } },
      data: { a: 'b', empty: '' },
    });
  });

  it('skips unknown fields, keeps times and owner references, and encodes bytes maps as base64', () => {
    const owner = msg(field(1, 'Service'), field(3, 's'), field(4, 'u1'), field(5, 'v1'), field(6, true));
    const meta = msg(field(1, 's'), field(8, msg(field(1, 1767225600))), field(13, owner), field(99, 'ignored'));
    const raw = msg(
      field(1, meta),
      field(2, msg(field(1, 'k'), field(2, Buffer.from([0xff, 0x00])))),
      field(3, 'Opaque'),
    );
    assert.deepEqual(decodeKubeProtobuf(envelope('v1', 'Secret', raw)), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 's',
        creationTimestamp: '2026-01-01T00:00:00Z',
        ownerReferences: [{ kind: 'Service', name: 's', uid: 'u1', apiVersion: 'v1', controller: true }],
      },
      data: { k: '/wA=' },
      type: 'Opaque',
    });
  });

  it('answers undefined for kinds it has no schema for, and refuses a body without the k8s envelope', () => {
    assert.equal(decodeKubeProtobuf(envelope('apps/v1', 'Deployment', Buffer.alloc(0))), undefined);
    assert.throws(() => decodeKubeProtobuf(Buffer.from('{"kind":"ConfigMap"}')), /envelope/);
  });
});
