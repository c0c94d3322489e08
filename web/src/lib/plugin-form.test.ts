import { describe, expect, it } from 'vitest';
import { formFields, initialValues, inputsFrom } from './plugin-form';

const schema = {
  type: 'object' as const,
  properties: {
    name: { type: 'string' as const, title: 'Name', description: 'What the stack is called' },
    size: { type: 'string' as const, enum: ['small', 'large'], default: 'small' },
    replicas: { type: 'integer' as const, default: 2 },
    ratio: { type: 'number' as const },
    public: { type: 'boolean' as const, default: true },
    zone: { type: 'integer' as const, enum: [1, 2, 3] },
  },
  required: ['name', 'zone'],
};

describe('the input form generated from a plugin schema', () => {
  it('makes a text, select, number or checkbox control per input with labels, required marks and defaults', () => {
    const fields = formFields(schema);
    expect(fields.map((f) => [f.name, f.control, f.label, f.required])).toEqual([
      ['name', 'text', 'Name', true],
      ['size', 'select', 'size', false],
      ['replicas', 'number', 'replicas', false],
      ['ratio', 'number', 'ratio', false],
      ['public', 'checkbox', 'public', false],
      ['zone', 'select', 'zone', true],
    ]);
    expect(fields[0]!.description).toBe('What the stack is called');
    expect(initialValues(fields)).toEqual({ name: '', size: '0', replicas: '2', ratio: '', public: true, zone: '' });
  });

  it('follows the order recorded at publish (the database does not keep key order)', () => {
    const fields = formFields({ ...schema, 'x-property-order': ['zone', 'name', 'gone'] });
    expect(fields.map((f) => f.name)).toEqual(['zone', 'name', 'size', 'replicas', 'ratio', 'public']);
  });

  it('sends typed inputs: numbers as numbers, enum choices as the schema values, empty optional fields left out', () => {
    const fields = formFields(schema);
    expect(inputsFrom(fields, { name: 'shop', size: '1', replicas: '3', ratio: '', public: false, zone: '2' })).toEqual({ name: 'shop', size: 'large', replicas: 3, public: false, zone: 3 });
    // A number input once edited holds a number (Svelte's binding); a cleared one, null.
    expect(inputsFrom(fields, { name: 'shop', size: '', replicas: 4, ratio: null, public: true, zone: '0' })).toEqual({ name: 'shop', replicas: 4, public: true, zone: 1 });
  });
});
