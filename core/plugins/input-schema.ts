import Ajv, { type ErrorObject } from 'ajv';

/** The JSON types an input may have: each maps to one control of the generated form. */
export const INPUT_TYPES = ['string', 'number', 'integer', 'boolean'] as const;

/** One input as the form renders it (from the schema's `properties`). */
export interface InputProperty {
  type: (typeof INPUT_TYPES)[number];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  [keyword: string]: unknown;
}

/** A plugin's input schema: a JSON Schema of type object whose properties are flat inputs. */
export interface InputSchema {
  type: 'object';
  properties?: Record<string, InputProperty>;
  required?: string[];
  [keyword: string]: unknown;
}

/**
 * The inputs' order as the author wrote them. PostgreSQL's jsonb does not keep object key order, so the order of
 * `properties` is recorded beside them when a version is published, and the form follows it.
 */
export const ORDER_KEYWORD = 'x-property-order';

// Strict mode refuses unknown keywords and contradictory schemas; `useDefaults` fills in defaults while validating.
const compiler = () => {
  const ajv = new Ajv({ strict: true, allErrors: true, useDefaults: true, coerceTypes: false });
  ajv.addKeyword({ keyword: ORDER_KEYWORD, metaSchema: { type: 'array', items: { type: 'string' } } });
  return ajv;
};

/** The schema as stored: with the properties' order recorded ({@link ORDER_KEYWORD}). */
export function withPropertyOrder(schema: InputSchema): InputSchema {
  return { ...schema, [ORDER_KEYWORD]: Object.keys(schema.properties ?? {}) };
}
let shared: Ajv | undefined;
const ajv = () => (shared ??= compiler());

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => {
      const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '';
      if (e.keyword === 'required') return `input ${JSON.stringify((e.params as { missingProperty: string }).missingProperty)} is required`;
      if (e.keyword === 'additionalProperties') return `unknown input ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}`;
      if (e.keyword === 'enum') return `input ${JSON.stringify(where)} must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
      return where ? `input ${JSON.stringify(where)} ${e.message}` : `inputs ${e.message}`;
    })
    .join('; ');
}

/**
 * Checks that a manifest's `inputs` is a schema the catalogue can render and Strata can enforce: a JSON Schema of
 * type object (strictly compilable by ajv), whose properties are string, number, integer or boolean inputs with
 * valid defaults and enums, and whose `required` names only declared properties. Returns the problem, or null.
 */
export function inputSchemaProblem(schema: unknown): string | null {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return '"inputs" must be a JSON Schema object';
  const s = schema as Record<string, unknown>;
  if (s.type !== 'object') return '"inputs" must be a JSON Schema of "type": "object"';
  const properties = s.properties ?? {};
  if (!properties || typeof properties !== 'object' || Array.isArray(properties)) return '"inputs.properties" must be an object';
  for (const [name, raw] of Object.entries(properties as Record<string, unknown>)) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return `input ${JSON.stringify(name)} must be a schema object`;
    const p = raw as Record<string, unknown>;
    if (!INPUT_TYPES.includes(p.type as InputProperty['type'])) return `input ${JSON.stringify(name)} must have "type" one of ${INPUT_TYPES.join(', ')}`;
    if (p.enum !== undefined && (!Array.isArray(p.enum) || p.enum.length === 0)) return `input ${JSON.stringify(name)}: "enum" must be a non-empty array`;
  }
  if (s.required !== undefined) {
    if (!Array.isArray(s.required) || !s.required.every((r) => typeof r === 'string')) return '"inputs.required" must be an array of input names';
    const missing = s.required.find((r) => !(r in (properties as object)));
    if (missing) return `"inputs.required" names ${JSON.stringify(missing)}, which is not among the properties`;
  }
  try {
    compiler().compile(schema);
  } catch (err) {
    return `"inputs" is not a valid JSON Schema: ${err instanceof Error ? err.message : String(err)}`;
  }
  for (const [name, p] of Object.entries(properties as Record<string, Record<string, unknown>>)) {
    if (p.default === undefined) continue;
    const one = compiler().compile({ ...p, default: undefined });
    if (!one(p.default)) return `the default of input ${JSON.stringify(name)} does not fit its own schema: ${describe(one.errors).replace(/^inputs /, '')}`;
  }
  return null;
}

/**
 * Validates a deployment's inputs against a plugin version's schema and returns them with the schema's defaults
 * filled in (the caller's object is not changed), or every violation in one message (missing required input,
 * wrong type, value not in the enum).
 */
export function checkInputs(schema: InputSchema, inputs: unknown): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  if (!inputs || typeof inputs !== 'object' || Array.isArray(inputs)) return { ok: false, message: 'inputs must be a JSON object' };
  const value = structuredClone(inputs) as Record<string, unknown>;
  const validate = ajv().compile(schema);
  if (validate(value)) return { ok: true, value };
  return { ok: false, message: describe(validate.errors) };
}
