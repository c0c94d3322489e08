import { describe, expect, it } from 'vitest';
import { Invalid } from '../core/errors';
import { BodyMemoryBudget, parseJson } from './body';

const code = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof Invalid ? err.code : String(err);
  }
};

describe('parseJson', () => {
  it('parses ordinary JSON', () => {
    expect(parseJson(Buffer.from('{"a":[1,{"b":"c"}],"d":null}'))).toEqual({ a: [1, { b: 'c' }], d: null });
  });

  it('refuses nesting past the limit before parsing, even a million levels deep, quickly', () => {
    const deep = Buffer.from(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`);
    const started = performance.now();
    expect(code(() => parseJson(deep))).toBe('json_too_deep');
    expect(performance.now() - started).toBeLessThan(100);
    expect(code(() => parseJson(Buffer.from(`${'['.repeat(65)}${']'.repeat(65)}`)))).toBe('json_too_deep');
    expect(parseJson(Buffer.from(`${'['.repeat(64)}${']'.repeat(64)}`))).toBeInstanceOf(Array);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: `${'['.repeat(200)}\\"{{{`, t: 'a"b[' });
    expect(parseJson(Buffer.from(text))).toEqual(JSON.parse(text));
  });

  it('reports malformed JSON as invalid_json', () => {
    expect(code(() => parseJson(Buffer.from('{"a":')))).toBe('invalid_json');
  });
});

describe('BodyMemoryBudget', () => {
  it('reserves up to its limit and gives bytes back', () => {
    const budget = new BodyMemoryBudget(100);
    expect(budget.tryReserve(60)).toBe(true);
    expect(budget.tryReserve(50)).toBe(false);
    budget.release(60);
    expect(budget.tryReserve(100)).toBe(true);
    expect(budget.inUse).toBe(100);
  });
});
