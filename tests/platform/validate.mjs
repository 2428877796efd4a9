// Validation of every resource the test platform is asked to store, with two
// independent public validators that catch different errors:
// - FHIR.js (`fhir` 4.12.0): required elements (Immunization.status,
//   occurrence[x]), codes of required bindings (Patient.gender "f",
//   Immunization.status "done"), reference target types (Immunization.patient
//   -> Group), arrays given as single values.
// - the HL7 FHIR R4 JSON schema shipped by @asymmetrik/fhir-json-schema-
//   validator 0.9.8, compiled once per resource type with the package's own
//   ajv (its validate() checks a resource against all 145 types, ~1 ms each):
//   unknown properties, primitive formats (dates, ids, empty strings), JSON
//   types (an identifier value given as a number), enums.
// Neither sees two values of one choice element (occurrenceDateTime and
// occurrenceString) nor impossible dates (2021-02-30).
// validate(resource) returns the list of problems, empty when both accept it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Fhir } = require('fhir');
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');

const fhirjs = new Fhir();
// allErrors: every problem of a resource, not only its first; jsonPointers:
// error paths as /entry/0/resource.
const schema = new JSONSchemaValidator(undefined, { logger: false, allErrors: true, jsonPointers: true });
schema.ajv.addSchema(schema.schema, 'fhir');
const byType = new Map();

// JSON pointer /entry/0/resource shown as .entry[0].resource
const shown = (pointer) => pointer.replace(/\/(\d+)/g, '[$1]').replaceAll('/', '.');
const at = (value, pointer) =>
  pointer
    .split('/')
    .slice(1)
    .reduce((v, k) => v?.[k.replaceAll('~1', '/').replaceAll('~0', '~')], value);

function schemaErrors(resource, where) {
  const type = resource?.resourceType;
  if (!Object.hasOwn(schema.schema.discriminator.mapping, type)) return [`${where}: unknown resourceType "${type}"`];
  if (!byType.has(type)) byType.set(type, schema.ajv.compile({ $ref: `fhir#/definitions/${type}` }));
  const check = byType.get(type);
  if (check(resource)) return [];
  const errors = check.errors;
  // A nested resource (contained, Bundle.entry.resource) fails the schema's
  // oneOf over all types, with an error per type: check it with its own type.
  const nested = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.dataPath);
  const inNested = (e) => nested.some((p) => e.dataPath === p || e.dataPath.startsWith(p + '/'));
  const problems = errors
    .filter((e) => !inNested(e))
    .map((e) => {
      const path = where + shown(e.dataPath);
      const p = e.params;
      if (p.additionalProperty) return `${path}: unknown property "${p.additionalProperty}"`;
      if (p.missingProperty) return `${path}: missing property "${p.missingProperty}"`;
      if (p.allowedValues) return `${path}: must be one of ${p.allowedValues.join(', ')}`;
      // #/definitions/date/pattern: the FHIR primitive type whose format failed
      if (e.keyword === 'pattern') return `${path}: not a valid FHIR ${e.schemaPath.split('/')[2]}`;
      return `${path}: ${e.message}`;
    });
  for (const p of nested) problems.push(...schemaErrors(at(resource, p), where + shown(p)));
  return problems;
}

export function validate(resource) {
  const problems = [];
  for (const m of fhirjs.validate(structuredClone(resource)).messages ?? []) {
    if (m.severity === 'error') problems.push(`fhir.js: ${m.location}: ${m.message}`);
  }
  for (const e of schemaErrors(resource, resource.resourceType)) problems.push(`schema: ${e}`);
  return problems;
}
