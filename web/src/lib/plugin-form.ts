import type { PluginInputSchema } from './types';

/** One control of the form generated from a plugin version's input schema. */
export interface FormField {
  name: string;
  label: string;
  description: string | null;
  control: 'text' | 'number' | 'checkbox' | 'select';
  /** `number` for number inputs, `integer` for whole numbers (step 1). */
  type: 'string' | 'number' | 'integer' | 'boolean';
  required: boolean;
  /** Choices of a select, as the schema lists them. */
  options: unknown[];
  /** The schema's default, if any. */
  default: unknown;
}

/** The author's order of the inputs, recorded at publish (`x-property-order`), else the schema's key order. */
function ordered(schema: PluginInputSchema): [string, NonNullable<PluginInputSchema['properties']>[string]][] {
  const properties = schema.properties ?? {};
  const order = schema['x-property-order'];
  const names = Array.isArray(order) ? order.filter((n): n is string => typeof n === 'string' && n in properties) : [];
  const rest = Object.keys(properties).filter((n) => !names.includes(n));
  return [...names, ...rest].map((n) => [n, properties[n]!]);
}

/** The form's fields, in the author's order: an enum is a select, a boolean a checkbox. */
export function formFields(schema: PluginInputSchema): FormField[] {
  const required = new Set(schema.required ?? []);
  return ordered(schema).map(([name, p]) => ({
    name,
    label: typeof p.title === 'string' && p.title ? p.title : name,
    description: typeof p.description === 'string' && p.description ? p.description : null,
    control: Array.isArray(p.enum) ? 'select' : p.type === 'boolean' ? 'checkbox' : p.type === 'number' || p.type === 'integer' ? 'number' : 'text',
    type: p.type,
    required: required.has(name),
    options: Array.isArray(p.enum) ? p.enum : [],
    default: p.default,
  }));
}

/**
 * A control's value: a string for text and select (the option's index), a boolean for a checkbox, and for a number
 * input a number once edited (Svelte binds `type=number` inputs as numbers) or a string (empty, or the default).
 */
export type FieldValue = string | number | boolean | null;

/** What each control shows first: the default, else empty (a checkbox: unchecked). */
export function initialValues(fields: FormField[]): Record<string, FieldValue> {
  return Object.fromEntries(
    fields.map((f) => {
      if (f.control === 'checkbox') return [f.name, f.default === true];
      if (f.control === 'select') return [f.name, f.default === undefined ? '' : String(f.options.findIndex((o) => o === f.default))];
      return [f.name, f.default === undefined ? '' : String(f.default)];
    }),
  );
}

/**
 * The `inputs` object to send: numbers as numbers, a select's choice as the schema's own value, empty optional
 * fields left out (so the server applies the defaults). Type problems are left to the server, which names them.
 */
export function inputsFrom(fields: FormField[], values: Record<string, FieldValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.control === 'checkbox') {
      out[f.name] = v === true;
      continue;
    }
    if (typeof v === 'number') {
      if (!Number.isNaN(v)) out[f.name] = v;
      continue;
    }
    if (typeof v !== 'string' || v === '') continue;
    if (f.control === 'select') out[f.name] = f.options[Number(v)];
    else if (f.control === 'number') out[f.name] = Number.isNaN(Number(v)) ? v : Number(v);
    else out[f.name] = v;
  }
  return out;
}
