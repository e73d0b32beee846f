/**
 * A throwaway CA and a server certificate for 127.0.0.1/localhost, made with node:crypto only
 * (ECDSA P-256 keys, X.509 v3 encoded by asn1.ts, signed with crypto.sign). The CA goes into the
 * kubeconfig as certificate-authority-data, so client-node and kubectl verify the server as they
 * would a real cluster (client-node 2.x refuses plain HTTP).
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  boolean,
  explicit,
  implicit,
  integer,
  octetString,
  oid,
  sequence,
  set,
  time,
  utf8String,
} from './asn1.ts';

export interface ClusterTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const DAY = 86_400_000;

function name(cn: string): Buffer {
  return sequence(
    set(sequence(oid('2.5.4.10'), utf8String('cutover-sandbox'))),
    set(sequence(oid('2.5.4.3'), utf8String(cn))),
  );
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

function keyId(spki: Buffer): Buffer {
  return createHash('sha1').update(spki).digest();
}

function serial(): Buffer {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b;
}

function toPem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

interface CertInput {
  subject: Buffer;
  issuer: Buffer;
  spki: Buffer;
  issuerSpki: Buffer;
  signer: KeyObject;
  extensions: Buffer[];
  now: number;
  days: number;
}

function certificate(c: CertInput): Buffer {
  const alg = sequence(oid(ECDSA_SHA256));
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(serial()),
    alg,
    c.issuer,
    sequence(time(new Date(c.now - DAY)), time(new Date(c.now + c.days * DAY))),
    c.subject,
    c.spki,
    explicit(
      3,
      sequence(
        ...c.extensions,
        extension('2.5.29.14', false, octetString(keyId(c.spki))),
        extension('2.5.29.35', false, sequence(implicit(0, keyId(c.issuerSpki)))),
      ),
    ),
  );
  return sequence(tbs, alg, bitString(sign('sha256', tbs, c.signer)));
}

/**
 * Generates a CA and a server certificate valid for 127.0.0.1, ::1 and localhost.
 * `now` is wall time: TLS peers check validity against the real clock, not the simulated one.
 */
export function generateClusterTls(opts: { commonName?: string; now?: number; days?: number } = {}): ClusterTls {
  const now = opts.now ?? Date.now();
  const days = opts.days ?? 365;
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caSpki = ca.publicKey.export({ type: 'spki', format: 'der' });
  const leafSpki = leaf.publicKey.export({ type: 'spki', format: 'der' });
  const caName = name(`${opts.commonName ?? 'cutover-sandbox'}-ca`);
  const caDer = certificate({
    subject: caName,
    issuer: caName,
    spki: caSpki,
    issuerSpki: caSpki,
    signer: ca.privateKey,
    now,
    days: days * 2,
    extensions: [
      extension('2.5.29.19', true, sequence(boolean(true))),
      // digitalSignature | keyCertSign | cRLSign = 1000 0110, one unused trailing bit.
      extension('2.5.29.15', true, bitString(Buffer.from([0x86]), 1)),
    ],
  });
  const san = sequence(
    implicit(2, Buffer.from('localhost')),
    implicit(7, Buffer.from([127, 0, 0, 1])),
    implicit(7, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
  );
  const leafDer = certificate({
    subject: name(opts.commonName ?? 'kube-apiserver'),
    issuer: caName,
    spki: leafSpki,
    issuerSpki: caSpki,
    signer: ca.privateKey,
    now,
    days,
    extensions: [
      extension('2.5.29.19', true, sequence()),
      // digitalSignature = 1000 0000, seven unused trailing bits.
      extension('2.5.29.15', true, bitString(Buffer.from([0x80]), 7)),
      extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))),
      extension('2.5.29.17', false, san),
    ],
  });
  return {
    caPem: toPem('CERTIFICATE', caDer),
    certPem: toPem('CERTIFICATE', leafDer),
    keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
