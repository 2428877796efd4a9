// The test platform's store: Medplum's MemoryRepository with what a real
// platform has and the in-memory one lacks.
// - An index of identifiers (system|value and value alone, lower-cased as
//   Medplum matches tokens) and of references: a search with an `identifier`
//   or reference filter (`patient=Patient/ID`) reads its few candidates
//   instead of scanning every resource, then checks them with Medplum's own
//   matchesSearchRequest, so results are the same as the scan's. Conditional
//   creates search this way too.
// - Chained searches on one target type (`Immunization?patient.identifier=
//   S|V`), which the in-memory repository answers with nothing: the chain is
//   searched first and becomes a reference filter.
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
  Operator,
  getReferenceString,
  globalSchema,
  matchesSearchRequest,
  splitSearchOnComma,
} from '@medplum/core';
import { MemoryRepository } from '@medplum/fhir-router';

const lower = (s) => (s ?? '').toLowerCase();

// The resource's identifiers as {system, value} (Identifier is a list in most
// types and a single element in a few).
export function identifiersOf(resource) {
  const list = [resource.identifier ?? []].flat();
  return list.filter((i) => i && typeof i.value === 'string');
}

// Index keys of a resource: identifiers with and without system, and every
// reference string anywhere in it (a superset of what any reference search
// parameter can match).
function indexKeys(resource) {
  const keys = new Set();
  for (const { system, value } of identifiersOf(resource)) {
    keys.add(`v:${lower(value)}`);
    if (system) keys.add(`i:${lower(system)}|${lower(value)}`);
  }
  const walk = (node) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      if (typeof node.reference === 'string') keys.add(`r:${node.reference}`);
      Object.values(node).forEach(walk);
    }
  };
  walk(resource);
  return [...keys];
}

// Index keys that hold every resource matching one search filter, or
// undefined when the filter is not one the index answers.
function filterKeys(resourceType, filter) {
  if (filter.operator !== Operator.EQUALS) return undefined;
  const param = globalSchema.types[resourceType]?.searchParams?.[filter.code];
  const values = splitSearchOnComma(filter.value);
  if (param?.type === 'reference') return values.map((v) => `r:${v}`);
  if (filter.code !== 'identifier' || param?.type !== 'token') return undefined;
  const keys = [];
  for (const v of values) {
    const parts = v.split('|');
    if (parts.length > 2 || !parts.at(-1)) return undefined;
    keys.push(parts.length === 2 && parts[0] ? `i:${lower(parts[0])}|${lower(parts[1])}` : `v:${lower(parts.at(-1))}`);
  }
  return keys;
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
    const ids = request.sortRules?.length ? undefined : this.#candidates(request);
    if (!ids) return super.search(request);
    const found = [];
    for (const id of ids) {
      const resource = await super.readResource(request.resourceType, id);
      if (matchesSearchRequest(resource, request)) found.push(resource);
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

  // Ids that hold every match of the request (from its most selective indexed
  // filter), or undefined when no filter is indexed.
  #candidates(request) {
    const index = this.#index.get(request.resourceType) ?? new Map();
    let best;
    for (const filter of request.filters ?? []) {
      const keys = filterKeys(request.resourceType, filter);
      if (!keys) continue;
      const ids = new Set(keys.flatMap((k) => [...(index.get(k) ?? [])]));
      if (!best || ids.size < best.size) best = ids;
    }
    return best;
  }

  // The request with each chained filter (`ref.param=value`, or
  // `ref:Type.param=value`, on a reference parameter with one target type)
  // replaced by `ref=Type/id,...` of the resources the chain finds; undefined
  // when a chain finds none. Other filters are left to Medplum.
  async #resolveChains(request) {
    if (!request.filters?.some((f) => f.code.includes('.'))) return request;
    const filters = [];
    for (const filter of request.filters) {
      const dot = filter.code.indexOf('.');
      const [code, typeModifier] = dot < 0 ? [] : filter.code.slice(0, dot).split(':');
      const param = code && globalSchema.types[request.resourceType]?.searchParams?.[code];
      const targets = typeModifier ? [typeModifier] : (param?.target ?? []);
      if (param?.type !== 'reference' || targets.length !== 1) {
        filters.push(filter);
        continue;
      }
      const found = await this.searchResources({
        resourceType: targets[0],
        filters: [{ code: filter.code.slice(dot + 1), operator: filter.operator, value: filter.value }],
      });
      if (!found.length) return undefined;
      filters.push({ code, operator: Operator.EQUALS, value: found.map((r) => getReferenceString(r)).join(',') });
    }
    return { ...request, filters };
  }
}
