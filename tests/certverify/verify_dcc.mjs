// Independent verification of EU DCCs issued by vaxbus, written against
// public libraries only (no code of ours): @digitalbazaar/base45 (RFC
// 9285), node:zlib, cbor-x, and node:crypto for ECDSA P-256 with the
// issuer's public key as a JWK.
//
// Usage: node verify_dcc.mjs INPUT.json
// INPUT: {"jwk": {"kty": "EC", "crv": "P-256", "x": ..., "y": ...},
//         "kid": base64 of the 8-byte DCC kid, "now": UTC seconds,
//         "certificates": [{"name": ..., "payload": "HC1:..."}, ...]}
// Prints one JSON array: for each certificate {"name", "ok", "error"
// (null when ok), "iss", "iat", "exp", "hcert"}. Exits 0 when the input
// could be read (each certificate's verdict is in the output), 2 otherwise.
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { createPublicKey, verify } from 'node:crypto';
import { decode as base45Decode } from '@digitalbazaar/base45';
import { Decoder, Encoder, Tag } from 'cbor-x';

const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });
const encoder = new Encoder({ useRecords: false, mapsAsObjects: false });

class Refused extends Error {}
function check(cond, what) {
  if (!cond) throw new Refused(what);
}

const isText = (v) => typeof v === 'string';
const isInt = (v) => Number.isInteger(v);
const chars = (s) => [...s].length;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ICAO = /^[A-Z<]*$/;

function toPlain(v) {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toPlain(x)]));
  if (Array.isArray(v)) return v.map(toPlain);
  return v;
}

function verifyOne(payload, key, kid, now) {
  check(typeof payload === 'string' && payload.startsWith('HC1:'), 'prefix');
  let zipped;
  try {
    zipped = Buffer.from(base45Decode(payload.slice(4)));
  } catch (e) {
    throw new Refused('base45');
  }
  check(zipped[0] === 0x78, 'zlib header');
  let cose;
  try {
    cose = inflateSync(zipped);
  } catch (e) {
    throw new Refused('zlib');
  }
  let msg;
  try {
    msg = decoder.decode(cose);
  } catch (e) {
    throw new Refused('cbor');
  }
  check(msg instanceof Tag && msg.tag === 18, 'COSE_Sign1 tag 18');
  const arr = msg.value;
  check(Array.isArray(arr) && arr.length === 4, 'COSE_Sign1 array of 4');
  const [prot, unprot, body, sig] = arr;
  check(prot instanceof Uint8Array && body instanceof Uint8Array && sig instanceof Uint8Array,
    'COSE byte strings');
  const wantProt = Buffer.concat([Buffer.from([0xa2, 0x01, 0x26, 0x04, 0x48]), kid]);
  check(Buffer.from(prot).equals(wantProt), 'protected header bytes');
  check(unprot instanceof Map && unprot.size === 0, 'empty unprotected header');
  check(sig.length === 64, 'signature of 64 bytes (r||s)');

  // Sig_structure = ["Signature1", protected, h'', payload] (RFC 8152 4.4)
  const tbs = encoder.encode(['Signature1', Buffer.from(prot), Buffer.alloc(0), Buffer.from(body)]);
  const good = verify('sha256', tbs, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig));
  check(good, 'signature');

  let claims;
  try {
    claims = decoder.decode(Buffer.from(body));
  } catch (e) {
    throw new Refused('claims cbor');
  }
  check(claims instanceof Map, 'claims map');
  check([...claims.keys()].join(',') === '1,6,4,-260', 'claims 1, 6, 4, -260 in order');
  const iss = claims.get(1), iat = claims.get(6), exp = claims.get(4);
  check(isText(iss) && /^[A-Z]{2}$/.test(iss), 'iss alpha-2');
  check(isInt(iat) && isInt(exp) && iat < exp, 'iat < exp integers');
  check(iat <= now && now <= exp, 'validity at now');
  const hc = claims.get(-260);
  check(hc instanceof Map && hc.size === 1 && hc.get(1) instanceof Map, 'hcert claim');
  const h = hc.get(1);
  check([...h.keys()].join(',') === 'ver,nam,dob,v', 'hcert keys');
  check(h.get('ver') === '1.3.0', 'ver 1.3.0');
  const nam = h.get('nam');
  check(nam instanceof Map, 'nam map');
  for (const [k, v] of nam) {
    check(['fn', 'fnt', 'gn', 'gnt'].includes(k) && isText(v) && chars(v) <= 80, 'nam ' + k);
    if (k.endsWith('t')) check(ICAO.test(v), 'nam ' + k + ' ICAO');
  }
  check(nam.has('fnt') || nam.has('gnt'), 'fnt or gnt');
  check(isText(h.get('dob')) && DATE.test(h.get('dob')), 'dob');
  const v = h.get('v');
  check(Array.isArray(v) && v.length === 1 && v[0] instanceof Map, 'v: one entry');
  const e = v[0];
  check([...e.keys()].join(',') === 'tg,vp,mp,ma,dn,sd,dt,co,is,ci', 'v entry keys');
  check(e.get('tg') === '840539006', 'tg');
  for (const k of ['vp', 'mp', 'ma']) check(isText(e.get(k)) && e.get(k).length > 0, k);
  check(isInt(e.get('dn')) && e.get('dn') >= 1 && isInt(e.get('sd')) && e.get('sd') >= 1,
    'dn, sd');
  check(isText(e.get('dt')) && DATE.test(e.get('dt')), 'dt');
  check(isText(e.get('co')) && /^[A-Z]{2}$/.test(e.get('co')), 'co');
  check(isText(e.get('is')) && chars(e.get('is')) <= 80, 'is');
  check(isText(e.get('ci')) && e.get('ci').length <= 80 && e.get('ci').startsWith('URN:UVCI:01:'),
    'ci');
  return { iss, iat, exp, hcert: toPlain(h) };
}

function main() {
  let input;
  try {
    input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  } catch (e) {
    console.error('verify_dcc: cannot read the input: ' + e.message);
    process.exit(2);
  }
  const key = createPublicKey({ key: input.jwk, format: 'jwk' });
  const kid = Buffer.from(input.kid, 'base64');
  const out = [];
  for (const c of input.certificates) {
    try {
      out.push({ name: c.name, ok: true, error: null, ...verifyOne(c.payload, key, kid, input.now) });
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      out.push({ name: c.name, ok: false, error: e.message });
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main();
