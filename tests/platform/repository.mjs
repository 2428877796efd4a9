// The test platform's store: Medplum's MemoryRepository with what a real
// platform has and the in-memory one lacks.
// - An index of identifiers and references: a search with an `identifier`
//   or reference filter (`Immunization?identifier=S|V`, `?patient=Patient/ID`)
//   reads its candidates instead of scanning every resource; filters the
//   index does not answer exactly are checked with Medplum's own
//   matchesSearchRequest (~0.6 ms a resource: that, over every resource, is
//   why the plain scan takes hours at 10,000 records). Conditional creates
//   search this way too.
// - Chained searches (`Immunization?patient.identifier=S|V`), which the
//   in-memory repository answers with nothing: the chain is searched first
//   and becomes a reference filter.
// - Unknown search parameters refused with 400, as Medplum's server does.
// - A journal: each stored version and each delete is one JSON line in DIR,
//   written (write(2), no fsync) before the answer is sent; start() replays it
//   with the same ids, versionIds and lastUpdated.
// - Transactions that roll back: a failed transaction bundle leaves nothing
//   stored and nothing journaled.
// - A check before each store (validation, platform rules) that throws an
//   OperationOutcomeError: entry-level in batches, the whole bundle in
//   transactions, the request for direct creates and updates.
// Requests must be handled one at a time (the server queues them).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  OperationOutcomeError,
  Operator,
  badRequest,
  getReferenceString,
  globalSchema,
  matchesSearchRequest,
  splitSearchOnComma,
  tryGetDataType,
} from '@medplum/core';
import { MemoryRepository } from '@medplum/fhir-router';

const lower = (s) => (s ?? '').toLowerCase();

// The resource's identifiers as {system, value} (Identifier is a list in most
// types and a single element in a few).
export function identifiersOf(resource) {
  const list = [resource.identifier ?? []].flat();
  return list.filter((i) => i && typeof i.value === 'string');
}

// Index keys of a resource: its identifiers as system|value (i:) and as the
// values a token without system can match (v:: the value and type.text), and
// the references of its top-level Reference elements (r:patient:Patient/1).
function indexKeys(resource) {
  const keys = new Set();
  for (const identifier of [resource.identifier ?? []].flat()) {
    const { system, value, type } = identifier ?? {};
    if (typeof value === 'string') keys.add(`v:${lower(value)}`);
    if (typeof type?.text === 'string') keys.add(`v:${lower(type.text)}`);
    if (system && typeof value === 'string') keys.add(`i:${lower(system)}|${lower(value)}`);
  }
  for (const [element, value] of Object.entries(resource)) {
    for (const item of [value].flat()) {
      if (typeof item?.reference === 'string') keys.add(`r:${element}:${item.reference}`);
    }
  }
  return [...keys];
}

// How the index answers one search filter: the keys holding every match,
// and whether they hold only matches (exact) or need Medplum's check; or
// undefined when the index cannot answer it. Only parameters whose FHIRPath
// for this type is one top-level element are indexed: `identifier`
// (Identifier) and Reference elements such as Immunization.patient.
function lookup(resourceType, filter) {
  const param = globalSchema.types[resourceType]?.searchParams?.[filter.code];
  if (!param || filter.operator !== Operator.EQUALS) return undefined;
  const own = param.expression?.split('|').map((term) => term.trim()).filter((term) => term.startsWith(resourceType + '.'));
  const element = own?.length === 1 ? own[0].slice(resourceType.length + 1) : '';
  const types = tryGetDataType(resourceType)?.elements?.[element]?.type?.map((t) => t.code) ?? [];
  const values = splitSearchOnComma(filter.value);
  if (param.type === 'reference' && types.length && types.every((t) => t === 'Reference')) {
    return { keys: values.map((v) => `r:${element}:${v}`), exact: true };
  }
  if (param.type !== 'token' || element !== 'identifier') return undefined;
  const keys = [];
  let exact = true;
  for (const v of values) {
    const [system, value, ...more] = v.split('|');
    if (more.length || (value === undefined ? !system : !value)) return undefined;
    if (value !== undefined && system) keys.push(`i:${lower(system)}|${lower(value)}`);
    else {
      // VALUE and |VALUE also match identifiers by type.text or without system
      keys.push(`v:${lower(value ?? system)}`);
      exact = false;
    }
  }
  return { keys, exact };
}

export class PlatformRepository extends MemoryRepository {
  #check;
  #journalPath;
  #fd;
  #index = new Map(); // type -> index key -> Set of ids
  #records = new Map(); // type -> id -> {keys, identifiers}
  #tx; // {lines, undo} while a transaction runs

  // check(resource) throws an OperationOutcomeError to refuse a resource.
  constructor(dataDir, check) {
    super();
    mkdirSync(dataDir, { recursive: true });
    this.#journalPath = join(dataDir, 'journal.jsonl');
    this.#check = check;
  }

  // Replays the journal, then opens it for appending. Returns the number of
  // lines replayed.
  async start() {
    let lines = 0;
    if (existsSync(this.#journalPath)) {
      const text = readFileSync(this.#journalPath, 'utf8');
      for (const line of text.split('\n')) {
        if (!line) continue;
        let entry;
        try {
          entry = JSON.parse(line);
        } catch {
          // Only a last line cut by a kill can be incomplete; its answer was
          // never sent.
          process.stderr.write('platform: skipped an incomplete journal line\n');
          continue;
        }
        if (entry.delete) {
          const [type, id] = entry.delete.split('/');
          await super.deleteResource(type, id);
          this.#unindex(type, id);
        } else {
          this.#reindex(await super.createResource(entry));
        }
        lines++;
      }
    }
    this.#fd = openSync(this.#journalPath, 'a');
    return lines;
  }

  stop() {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  async createResource(resource, options) {
    this.#check(resource);
    const before = this.#tx && (await this.#current(resource.resourceType, resource.id));
    const stored = await super.createResource(resource, options);
    this.#reindex(stored);
    this.#record(JSON.stringify(stored), { type: stored.resourceType, id: stored.id, before });
    return stored;
  }

  async deleteResource(resourceType, id) {
    const before = this.#tx && (await this.#current(resourceType, id));
    await super.deleteResource(resourceType, id);
    this.#unindex(resourceType, id);
    this.#record(JSON.stringify({ delete: `${resourceType}/${id}` }), { type: resourceType, id, before });
  }

  async withTransaction(callback) {
    if (this.#tx) return callback(undefined);
    this.#tx = { lines: [], undo: [] };
    try {
      const result = await callback(undefined);
      this.#write(this.#tx.lines);
      return result;
    } catch (err) {
      for (const { type, id, before } of this.#tx.undo.reverse()) {
        if (before) this.#reindex(await super.createResource(before));
        else {
          await super.deleteResource(type, id);
          this.#unindex(type, id);
        }
      }
      throw err;
    } finally {
      this.#tx = undefined;
    }
  }

  async search(searchRequest) {
    const request = await this.#resolveChains(searchRequest);
    if (!request) return { resourceType: 'Bundle', type: 'searchset', total: 0 };
    // Medplum's server refuses unknown parameters; the in-memory repository
    // silently matches nothing (R4 AdverseEvent has no `identifier`).
    const params = globalSchema.types[request.resourceType]?.searchParams ?? {};
    for (const { code } of request.filters ?? []) {
      if (!params[code]) throw new OperationOutcomeError(badRequest(`Unknown search parameter: ${code}`));
    }
    const plan = request.sortRules?.length ? undefined : this.#plan(request);
    if (!plan) return super.search(request);
    const rest = { ...request, filters: plan.rest };
    const found = [];
    for (const id of plan.ids) {
      const resource = await super.readResource(request.resourceType, id);
      if (!plan.rest.length || matchesSearchRequest(resource, rest)) found.push(resource);
    }
    const start = request.offset ?? 0;
    const page = found.slice(start, request.count === undefined ? undefined : start + request.count);
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: page.length ? page.map((resource) => ({ resource })) : undefined,
      total: found.length,
    };
  }

  // Number of resources of each type.
  counts() {
    const counts = {};
    for (const [type, records] of this.#records) counts[type] = records.size;
    return counts;
  }

  // {"system|value": number of resources of this type holding it}, exact.
  identifiers(type) {
    const result = {};
    for (const { identifiers } of this.#records.get(type)?.values() ?? []) {
      for (const id of identifiers) result[id] = (result[id] ?? 0) + 1;
    }
    return result;
  }

  async #current(type, id) {
    if (!id || !this.#records.get(type)?.has(id)) return undefined;
    return super.readResource(type, id);
  }

  #record(line, undo) {
    if (this.#tx) {
      this.#tx.lines.push(line);
      this.#tx.undo.push(undo);
    } else this.#write([line]);
  }

  #write(lines) {
    if (lines.length) writeSync(this.#fd, lines.join('\n') + '\n');
  }

  #reindex(resource) {
    const { resourceType: type, id } = resource;
    this.#unindex(type, id);
    const keys = indexKeys(resource);
    let index = this.#index.get(type);
    if (!index) this.#index.set(type, (index = new Map()));
    for (const k of keys) {
      if (!index.has(k)) index.set(k, new Set());
      index.get(k).add(id);
    }
    if (!this.#records.has(type)) this.#records.set(type, new Map());
    const identifiers = identifiersOf(resource).map((i) => `${i.system ?? ''}|${i.value}`);
    this.#records.get(type).set(id, { keys, identifiers });
  }

  #unindex(type, id) {
    const record = this.#records.get(type)?.get(id);
    if (!record) return;
    const index = this.#index.get(type);
    for (const k of record.keys) {
      const ids = index.get(k);
      ids.delete(id);
      if (!ids.size) index.delete(k);
    }
    this.#records.get(type).delete(id);
  }

  // The candidates of the request's most selective indexed filter and the
  // filters left to check with Medplum's matchesSearchRequest (all but that
  // one when it is exact), or undefined when no filter is indexed.
  #plan(request) {
    const index = this.#index.get(request.resourceType) ?? new Map();
    let best;
    for (const filter of request.filters ?? []) {
      const found = lookup(request.resourceType, filter);
      if (!found) continue;
      const ids = new Set(found.keys.flatMap((k) => [...(index.get(k) ?? [])]));
      if (!best || ids.size < best.ids.size) best = { ids, filter, exact: found.exact };
    }
    if (!best) return undefined;
    return { ids: best.ids, rest: request.filters.filter((f) => !best.exact || f !== best.filter) };
  }

  // The request with each chained filter (`ref.param=value`, or
  // `ref:Type.param=value`) replaced by `ref=Type/id,...` of the resources the
  // chain finds in the target types that have `param`; undefined when a chain
  // finds none.
  async #resolveChains(request) {
    if (!request.filters?.some((f) => f.code.includes('.'))) return request;
    const filters = [];
    for (const filter of request.filters) {
      const dot = filter.code.indexOf('.');
      const [code, typeModifier] = dot < 0 ? [] : filter.code.slice(0, dot).split(':');
      const param = code && globalSchema.types[request.resourceType]?.searchParams?.[code];
      if (param?.type !== 'reference') {
        filters.push(filter);
        continue;
      }
      const chained = { code: filter.code.slice(dot + 1), operator: filter.operator, value: filter.value };
      const targets = (typeModifier ? [typeModifier] : (param.target ?? [])).filter(
        (type) => globalSchema.types[type]?.searchParams?.[chained.code.split('.')[0]]
      );
      const found = [];
      for (const resourceType of targets) found.push(...(await this.searchResources({ resourceType, filters: [chained] })));
      if (!found.length) return undefined;
      filters.push({ code, operator: Operator.EQUALS, value: found.map((r) => getReferenceString(r)).join(',') });
    }
    return { ...request, filters };
  }
}
