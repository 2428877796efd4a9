// Independent verification of the SMART Health Cards vaxbus issued,
// written against public libraries only (jose, pako, node built-ins) and
// the health-cards spec — none of the project's C code.
//
// Usage: node verify_shc.mjs DIR
//   DIR/jwk.json            the issuer's public key {kty, crv, x, y}
//   DIR/card-*.txt          "shc:/" + digits: each must verify, and its
//   DIR/card-*.expect.json  expected Patient and doses must match
//   DIR/tampered-*.txt      each must be refused
// Prints one line per file and exits 0 only when every card verifies and
// every tampered one is refused.
import { webcrypto } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import { inflateRaw } from 'pako';

// jose uses the global Web Crypto API, which Node 18 (Debian 12's node)
// does not expose as a global; Node 20 does. Same object either way.
if (!globalThis.crypto) globalThis.crypto = webcrypto;

const HEALTH_CARD = 'https://smarthealth.cards#health-card';
const SYSTEMS = [
  'http://hl7.org/fhir/sid/cvx',
  'https://www.whocc.no/atc_ddd_index/',
  'http://snomed.info/sct',
];

class Refused extends Error {}

function check(ok, what) {
  if (!ok) throw new Refused(what);
}

// Exactly these members (and the required ones among them).
function members(obj, allowed, required, where) {
  check(obj !== null && typeof obj === 'object' && !Array.isArray(obj), `${where} is not an object`);
  for (const k of Object.keys(obj)) check(allowed.includes(k), `${where} has member ${k}`);
  for (const k of required) check(k in obj, `${where} lacks ${k}`);
}

// id, text, meta, protocolApplied nowhere; display only as actor.display.
function noForbidden(v, parent, depth = 0) {
  check(depth < 32, 'nesting too deep');
  if (Array.isArray(v)) {
    for (const x of v) noForbidden(x, parent, depth + 1);
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      check(!['id', 'text', 'meta', 'protocolApplied'].includes(k), `forbidden member ${k}`);
      check(k !== 'display' || parent === 'actor', `display under ${parent}`);
      noForbidden(x, k, depth + 1);
    }
  }
}

function numericToJws(text) {
  check(/^shc:\/(\d\d)+$/.test(text), 'not "shc:/" followed by digit pairs');
  let jws = '';
  for (let i = 5; i < text.length; i += 2) {
    const v = Number(text.slice(i, i + 2));
    check(v <= 77, `digit pair ${v} > 77`);
    jws += String.fromCharCode(v + 45);
  }
  return jws;
}

function checkCard(card, nowSeconds) {
  members(card, ['iss', 'nbf', 'vc'], ['iss', 'nbf', 'vc'], 'payload');
  check(typeof card.iss === 'string' && card.iss.startsWith('https://') && !card.iss.endsWith('/'),
    'iss is not an https URL without a trailing /');
  check(Number.isInteger(card.nbf) && card.nbf <= nowSeconds, 'nbf is not an integer in the past');
  members(card.vc, ['type', 'credentialSubject'], ['type', 'credentialSubject'], 'vc');
  check(JSON.stringify(card.vc.type) === JSON.stringify([HEALTH_CARD]), 'vc.type');
  const cs = card.vc.credentialSubject;
  members(cs, ['fhirVersion', 'fhirBundle'], ['fhirVersion', 'fhirBundle'], 'credentialSubject');
  check(cs.fhirVersion === '4.0.1', 'fhirVersion');
  const b = cs.fhirBundle;
  members(b, ['resourceType', 'type', 'entry'], ['resourceType', 'type', 'entry'], 'fhirBundle');
  check(b.resourceType === 'Bundle' && b.type === 'collection', 'not a Bundle of type collection');
  check(Array.isArray(b.entry) && b.entry.length >= 2, 'entry');
  b.entry.forEach((e, i) => {
    members(e, ['fullUrl', 'resource'], ['fullUrl', 'resource'], `entry[${i}]`);
    check(e.fullUrl === `resource:${i}`, `entry[${i}].fullUrl`);
  });
  const patient = b.entry[0].resource;
  members(patient, ['resourceType', 'name', 'birthDate'], ['resourceType', 'name', 'birthDate'],
    'Patient');
  check(patient.resourceType === 'Patient', 'entry[0] is not the Patient');
  check(Array.isArray(patient.name) && patient.name.length === 1, 'Patient.name is not one name');
  members(patient.name[0], ['family', 'given'], [], 'Patient.name[0]');
  check(/^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate), 'birthDate');
  const doses = b.entry.slice(1).map((e, i) => {
    const r = e.resource;
    const where = `Immunization ${i + 1}`;
    members(r, ['resourceType', 'status', 'vaccineCode', 'patient', 'occurrenceDateTime',
      'performer', 'lotNumber'], ['resourceType', 'status', 'vaccineCode', 'patient',
      'occurrenceDateTime', 'performer'], where);
    check(r.resourceType === 'Immunization' && r.status === 'completed', `${where} status`);
    members(r.vaccineCode, ['coding'], ['coding'], `${where}.vaccineCode`);
    check(r.vaccineCode.coding.length === 1, `${where}: not one coding`);
    const c = r.vaccineCode.coding[0];
    members(c, ['system', 'code'], ['system', 'code'], `${where} coding`);
    check(SYSTEMS.includes(c.system), `${where}: code system ${c.system}`);
    members(r.patient, ['reference'], ['reference'], `${where}.patient`);
    check(r.patient.reference === 'resource:0', `${where}.patient.reference`);
    check(/^\d{4}-\d{2}-\d{2}$/.test(r.occurrenceDateTime), `${where}.occurrenceDateTime`);
    check(Array.isArray(r.performer) && r.performer.length === 1, `${where}.performer`);
    members(r.performer[0], ['actor'], ['actor'], `${where}.performer[0]`);
    members(r.performer[0].actor, ['display'], ['display'], `${where}.performer[0].actor`);
    return {
      date: r.occurrenceDateTime,
      lot: r.lotNumber ?? null,
      system: c.system,
      code: c.code,
      performer: r.performer[0].actor.display,
    };
  });
  noForbidden(card, '');
  return {
    family: patient.name[0].family ?? '',
    given: patient.name[0].given ?? [],
    birthDate: patient.birthDate,
    doses,
  };
}

async function verify(text, key, kid) {
  const jws = numericToJws(text);
  const parts = jws.split('.');
  check(parts.length === 3, 'not a JWS compact');
  const header = Buffer.from(parts[0], 'base64url').toString('utf8');
  check(header === `{"zip":"DEF","alg":"ES256","kid":"${kid}"}`, `header ${header}`);
  let verified;
  try {
    verified = await compactVerify(jws, key, { algorithms: ['ES256'] });
  } catch (e) {
    throw new Refused(`signature: ${e.code ?? e.message}`);
  }
  let json;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(inflateRaw(verified.payload));
  } catch (e) {
    throw new Refused(`inflateRaw: ${e.message ?? e}`);
  }
  const card = JSON.parse(json);
  check(JSON.stringify(card) === json, 'the payload is not minified JSON');
  return checkCard(card, Math.floor(Date.now() / 1000));
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node verify_shc.mjs DIR');
  process.exit(2);
}
const jwk = JSON.parse(await readFile(join(dir, 'jwk.json'), 'utf8'));
const pub = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
const key = await importJWK(pub, 'ES256');
const kid = await calculateJwkThumbprint(pub, 'sha256');

const files = (await readdir(dir)).sort();
let good = 0;
let bad = 0;
let failures = 0;
for (const f of files.filter((n) => /^card-.*\.txt$/.test(n))) {
  const text = await readFile(join(dir, f), 'utf8');
  try {
    const got = await verify(text, key, kid);
    const want = JSON.parse(await readFile(join(dir, f.replace(/\.txt$/, '.expect.json')), 'utf8'));
    check(JSON.stringify(got) === JSON.stringify(want),
      `decoded ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    console.log(`verified ${f}: ${got.doses.length} dose(s), ${text.length - 5} digits`);
    good++;
  } catch (e) {
    console.log(`FAILED ${f}: ${e.message}`);
    failures++;
  }
}
for (const f of files.filter((n) => /^tampered-.*\.txt$/.test(n))) {
  const text = await readFile(join(dir, f), 'utf8');
  try {
    await verify(text, key, kid);
    console.log(`FAILED ${f}: a tampered card verified`);
    failures++;
  } catch (e) {
    if (!(e instanceof Refused) && !(e instanceof SyntaxError)) throw e;
    console.log(`refused ${f}: ${e.message}`);
    bad++;
  }
}
console.log(`verify_shc: ${good} card(s) verified, ${bad} tampered refused, ${failures} failure(s)`);
process.exit(failures === 0 && good > 0 && bad > 0 ? 0 : 1);
