import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { CompiledQuery } from 'kysely';
import { createSchema } from '@insure/model/derive/zod';
import { f } from '@insure/model/field';
import { getEntity } from '@insure/model/registry';
import { isValidChineseIdNumber, isValidIsoDate } from '@insure/model/validators';
import { describe, expect, it } from 'vitest';
import { writtenTables } from '../src/db/table-changes.ts';
import { columnsToField, fieldToColumns } from '../src/entities/row-mapper.ts';
import { FieldCipher } from '../src/platform/crypto.ts';
import { csvCell, escapeFormula } from '../src/platform/csv.ts';
import { idNumber, prng } from '../src/seed/generator.ts';

// Properties of the parsers and rules every record goes through, over generated input (fast-check).
const day = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));

describe('ID numbers (GB 11643)', () => {
  it('accepts every generated number and refuses any single changed digit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), day, fc.boolean(), fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (seed, birth, male, position, shift) => {
        const valid = idNumber(prng(seed), birth, '330106', male);
        expect(isValidChineseIdNumber(valid)).toBe(true);
        const digit = (Number(valid[position]) + shift) % 10;
        const changed = `${valid.slice(0, position)}${digit}${valid.slice(position + 1)}`;
        expect(isValidChineseIdNumber(changed)).toBe(false);
      }),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (text) => void isValidChineseIdNumber(text)));
  });
});

describe('dates', () => {
  it('accept every real calendar day and refuse impossible ones', () => {
    fc.assert(
      fc.property(day, (value) => {
        expect(isValidIsoDate(value)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1901, max: 2099 }).filter((year) => year % 4 !== 0), (year) => {
        expect(isValidIsoDate(`${year}-02-29`)).toBe(false);
      }),
    );
    fc.assert(fc.property(fc.string({ maxLength: 12 }), (text) => void isValidIsoDate(text)));
  });
});

describe('money', () => {
  const money = f.money({ zh: '金额', en: 'Amount' });
  it('round-trips every amount with at most two decimals exactly through integer fen', () => {
    const cipher = new FieldCipher(randomBytes(32));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (fen) => {
        const yuan = fen / 100;
        const columns = fieldToColumns('amount', money, yuan, cipher, 'sqlite');
        expect(columns.amount).toBe(fen);
        expect(columnsToField(money, 'amount', columns)).toBe(yuan);
      }),
    );
  });

  it('refuses a third decimal in any create form that has money', () => {
    const schema = createSchema(getEntity('product'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 9 }), (fen, extra) => {
        const result = schema.safeParse({ name: '产品', insuranceType: 'life', insurer: '公司', basePremium: fen / 100 + extra / 1000 });
        expect(result.success).toBe(false);
      }),
    );
  });
});

describe('spreadsheet output', () => {
  it('never lets a cell start like a formula, and keeps the text otherwise', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const escaped = escapeFormula(text);
        expect(/^[=+\-@\t\r\0]/.test(escaped)).toBe(false);
        expect(escaped === text || escaped === `'${text}`).toBe(true);
      }),
    );
  });

  it('quotes CSV cells so that separators inside text never split a cell', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const cell = csvCell(text);
        const quoted = cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"');
        if (/[",\n\r]/.test(escapeFormula(text))) expect(quoted).toBe(true);
        // Read back as a CSV reader would: the cell holds exactly the (formula-escaped) text.
        const inner = quoted ? cell.slice(1, -1) : cell;
        if (quoted) expect(inner.replace(/""/g, '')).not.toContain('"');
        expect(quoted ? inner.replace(/""/g, '"') : inner).toBe(escapeFormula(text));
      }),
    );
  });
});

describe('write tracking', () => {
  it('classifies any statement without throwing, and never calls a write a read', () => {
    fc.assert(
      fc.property(fc.constantFrom('insert into', 'update', 'delete from', 'INSERT OR REPLACE INTO', ' Update '), fc.stringMatching(/^[a-z_]{1,20}$/), fc.string(), (verb, table, rest) => {
        expect(writtenTables(CompiledQuery.raw(`${verb} ${table} ${rest}`))).not.toBeNull();
      }),
    );
    fc.assert(fc.property(fc.string(), (text) => void writtenTables(CompiledQuery.raw(text))));
  });
});
