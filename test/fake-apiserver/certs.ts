// TLS material for the fake API server: an ECDSA P-256 CA and a server certificate (SAN IP 127.0.0.1,
// ::1, DNS localhost) signed by it. Built with node:crypto and a tiny DER encoder, so there is no
// native add-on, no npm dependency and no `openssl` binary involved. Generated once per process.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

// --- DER -------------------------------------------------------------------------------------------

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...parts: Buffer[]): Buffer => tlv(0x30, ...parts);
const set = (...parts: Buffer[]): Buffer => tlv(0x31, ...parts);
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bitString = (b: Buffer): Buffer => tlv(0x03, Buffer.from([0]), b);
const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 + n, inner);
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const trimmed = b.subarray(i);
  return tlv(0x02, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function utcTime(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(2, 14); // YYMMDDHHMMSS
  return tlv(0x17, Buffer.from(`${s}Z`, 'ascii'));
}

const name = (cn: string): Buffer => seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));
const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

function keyId(spki: Buffer): Buffer {
  return createHash('sha1').update(spki).digest();
}

function certificate(o: {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  issuerPublicKey: KeyObject;
  signingKey: KeyObject;
  ca: boolean;
}): string {
  const spki = o.publicKey.export({ type: 'spki', format: 'der' });
  const issuerSpki = o.issuerPublicKey.export({ type: 'spki', format: 'der' });
  const now = Date.now();
  const exts: Buffer[] = [
    extension('2.5.29.19', true, o.ca ? seq(bool(true)) : seq()),
    // keyUsage: CA = digitalSignature|keyCertSign|cRLSign, leaf = digitalSignature
    extension(
      '2.5.29.15',
      true,
      o.ca ? tlv(0x03, Buffer.from([1, 0x86])) : tlv(0x03, Buffer.from([7, 0x80])),
    ),
    extension('2.5.29.14', false, octets(keyId(spki))),
    extension('2.5.29.35', false, seq(tlv(0x80, keyId(issuerSpki)))),
  ];
  if (!o.ca) {
    exts.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))));
    const san = seq(
      tlv(0x82, Buffer.from('localhost', 'ascii')),
      tlv(0x87, Buffer.from([127, 0, 0, 1])),
      tlv(0x87, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
    );
    exts.push(extension('2.5.29.17', false, san));
  }
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    ecdsaWithSha256,
    name(o.issuer),
    seq(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + 365 * 86400_000))),
    name(o.subject),
    spki,
    explicit(3, seq(...exts)),
  );
  const signature = sign('sha256', tbs, o.signingKey);
  const der = seq(tbs, ecdsaWithSha256, bitString(signature));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}

let cached: TlsMaterial | undefined;

/** The CA + server certificate for this process (generated on first use, in memory only). */
export function tlsMaterial(): TlsMaterial {
  cached ??= freshTlsMaterial();
  return cached;
}

/** A new CA and server certificate (for tests that need a CA the server does not use). */
export function freshTlsMaterial(): TlsMaterial {
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const server = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caPem = certificate({
    subject: 'kstern-fake-ca',
    issuer: 'kstern-fake-ca',
    publicKey: ca.publicKey,
    issuerPublicKey: ca.publicKey,
    signingKey: ca.privateKey,
    ca: true,
  });
  const certPem = certificate({
    subject: 'kube-apiserver',
    issuer: 'kstern-fake-ca',
    publicKey: server.publicKey,
    issuerPublicKey: ca.publicKey,
    signingKey: ca.privateKey,
    ca: false,
  });
  const keyPem = server.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { caPem, certPem, keyPem };
}
