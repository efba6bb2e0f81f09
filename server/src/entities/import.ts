import { PassThrough, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createSchema } from '@insure/model/derive/zod';
import type { Entity } from '@insure/model/entity';
import { blindIndexedKinds, columnName, isEnumField, isRefField, type Field } from '@insure/model/field';
import { getEntity } from '@insure/model/registry';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { sql } from 'kysely';
import type { Actor } from '../platform/access/actor.ts';
import { zodToAppError } from '../platform/validation.ts';
import type { Services } from './context.ts';
import { scopedRows } from './read.ts';
import { type CustomFieldDefinition, customFieldsFor } from './custom-fields.ts';

export const maxImportRows = 100_000;

export interface ImportProblem {
  row: number;
  column: string;
  reason: string;
}

/** Columns an import accepts: writable, visible fields in declaration order, then admin-defined fields. */
export function importFields(entity: Entity, custom: CustomFieldDefinition[] = []): [string, Field][] {
  const declared = Object.entries(entity.fields).filter(([, field]) => !field.readOnly && !field.hidden && field.kind !== 'permissions');
  return [...declared, ...custom.map((definition) => [`custom.${definition.key}`, customAsField(definition)] as [string, Field])];
}

function customAsField(definition: CustomFieldDefinition): Field {
  const label = { zh: definition.labelZh, en: definition.labelEn };
  if (definition.kind === 'select') return { kind: 'enum', label, required: definition.required, options: definition.options.map((option) => ({ value: option, label: { zh: option, en: option } })) };
  return { kind: definition.kind === 'number' ? 'decimal' : definition.kind === 'date' ? 'date' : 'text', label, required: definition.required, max: 500 };
}

export async function importTemplate(entity: Entity, locale: 'zh' | 'en', custom: CustomFieldDefinition[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(entity.label[locale].slice(0, 31));
  const fields = importFields(entity, custom);
  sheet.addRow(fields.map(([, field]) => `${field.required ? '*' : ''}${field.label[locale]}`));
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((column) => {
    column.width = 18;
  });
  const notes = workbook.addWorksheet(locale === 'zh' ? '填写说明' : 'How to fill in');
  notes.addRow([locale === 'zh' ? '列' : 'Column', locale === 'zh' ? '说明' : 'Notes']);
  for (const [, field] of fields) {
    let note: string = field.kind;
    if (isEnumField(field)) note = field.options.map((option) => option.label[locale]).join(' / ');
    else if (isRefField(field)) note = locale === 'zh' ? `${getEntity(field.entity).label.zh}的编码或名称` : `code or name of a ${getEntity(field.entity).label.en} record`;
    else if (field.kind === 'date') note = 'YYYY-MM-DD';
    notes.addRow([field.label[locale], note]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

type Cell = string | number | boolean | Date | null;

function plainCell(value: ExcelJS.CellValue): Cell {
  if (value == null) return null;
  if (value instanceof Date || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return plainCell(value.result as ExcelJS.CellValue);
  }
  return String(value);
}

/** The streaming reader skips styles, so date cells arrive as Excel serial day numbers (1900 system). */
const excelSerialToDate = (serial: number) => new Date(Math.round((serial - 25569) * 86_400_000));

const yes = new Set(['是', 'true', '1', 'yes', 'y', '启用']);
const no = new Set(['否', 'false', '0', 'no', 'n', '停用']);

/** Converts a spreadsheet cell into the API value of a field; throws a reason code when it cannot. */
function convert(field: Field, cell: Cell, refs: Map<string, number> | undefined): unknown {
  if (cell === null || cell === '') return undefined;
  const text = cell instanceof Date ? cell.toISOString() : String(cell).trim();
  switch (field.kind) {
    case 'money':
    case 'int':
    case 'decimal': {
      const number = typeof cell === 'number' ? cell : Number(text.replace(/[,，¥￥]/g, ''));
      if (!Number.isFinite(number)) throw new Error('invalid_type');
      return number;
    }
    case 'date':
      if (typeof cell === 'number') return excelSerialToDate(cell).toISOString().slice(0, 10);
      return cell instanceof Date ? cell.toISOString().slice(0, 10) : text.replace(/\//g, '-').replace(/^(\d{4})-(\d)-/, '$1-0$2-').replace(/-(\d)$/, '-0$1');
    case 'datetime':
      if (typeof cell === 'number') return excelSerialToDate(cell).toISOString();
      return cell instanceof Date ? cell.toISOString() : text;
    case 'bool':
      if (typeof cell === 'boolean') return cell;
      if (yes.has(text.toLowerCase())) return true;
      if (no.has(text.toLowerCase())) return false;
      throw new Error('invalid_value');
    case 'enum': {
      if (!isEnumField(field)) return text;
      const option = field.options.find((candidate) => candidate.value === text || candidate.label.zh === text || candidate.label.en.toLowerCase() === text.toLowerCase());
      if (!option) throw new Error('invalid_value');
      return option.value;
    }
    case 'ref':
    case 'refMany': {
      const names = field.kind === 'refMany' ? text.split(/[、,，;；]/).map((part) => part.trim()).filter(Boolean) : [text];
      const ids = names.map((name) => refs?.get(name));
      if (ids.some((id) => id === undefined)) throw new Error('reference_unavailable');
      return field.kind === 'refMany' ? ids : ids[0];
    }
    default:
      return typeof cell === 'number' && (field.kind === 'phone' || field.kind === 'idCard' || field.kind === 'text') ? String(cell) : text;
  }
}

/** Code and title → id of every live, pickable, in-scope row of the referenced entities. */
async function referenceMaps(services: Services, entity: Entity, actor: Actor): Promise<Map<string, Map<string, number>>> {
  const maps = new Map<string, Map<string, number>>();
  for (const [name, field] of importFields(entity)) {
    if (!isRefField(field)) continue;
    const target = getEntity(field.entity);
    const title = target.titleField === 'code' ? 'code' : columnName(target.titleField);
    const rows = await scopedRows(services.database.db, target, actor)
      .select([`${target.table}.id`, `${target.table}.code`, sql.ref(`${target.table}.${title}`).as('title')])
      .where(`${target.table}.status`, 'in', target.pickableStatus)
      .limit(200_000)
      .execute();
    const map = new Map<string, number>();
    for (const row of rows) {
      map.set(String(row.code), Number(row.id));
      if (row.title != null && !map.has(String(row.title))) map.set(String(row.title), Number(row.id));
    }
    maps.set(name, map);
  }
  return maps;
}

/** Whole UTF-8 characters only, however the bytes were cut into chunks. */
async function* wholeCharacters(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

interface ReaderInternals {
  model?: { sheets?: { rId: string }[] };
  workbookRels?: { Id: string; Target: string }[];
  _parseRels(entry: NodeJS.ReadableStream): Promise<void>;
  _parseWorkbook(entry: NodeJS.ReadableStream): Promise<void>;
  _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncIterable<unknown>;
  _parseWorksheet(iterator: AsyncIterable<string>, sheetNo: string): Iterable<{ value: AsyncIterable<ExcelJS.Row> }>;
}

/**
 * The rows of the workbook's first sheet, streamed. ExcelJS's own streaming reader (4.4) takes the archive's
 * entries from unzipper, which announces the end of the archive when its input is consumed even while entries
 * it has parsed are still waiting to be handed over: under load the last ones (workbook.xml among them) were
 * lost and a valid file was refused as unreadable now and then. Here JSZip reads the archive's directory from
 * the upload (already in memory) and ExcelJS's part parsers get the parts in the order they need them
 * (relations, workbook, shared strings, then the sheet, decompressed as a stream). Those parsers also decoded
 * each decompressed chunk on its own, garbling a Chinese character cut between two chunks, so they are handed
 * whole characters.
 */
async function* firstSheetRows(file: Buffer): AsyncGenerator<ExcelJS.Row> {
  const zip = await JSZip.loadAsync(file);
  const part = (name: string) => {
    const entry = zip.file(name);
    if (!entry) return null;
    const stream = new PassThrough();
    entry
      .nodeStream('nodebuffer')
      .on('error', (error) => stream.destroy(error))
      .pipe(stream);
    return stream;
  };
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore' }) as unknown as ReaderInternals;
  const relations = part('xl/_rels/workbook.xml.rels');
  const workbook = part('xl/workbook.xml');
  if (!relations || !workbook) throw new Error('not an xlsx workbook');
  await reader._parseRels(relations);
  await reader._parseWorkbook(workbook);
  const sharedStrings = part('xl/sharedStrings.xml');
  if (sharedStrings) for await (const _ of reader._parseSharedStrings(Readable.from(wholeCharacters(sharedStrings)))); // kept by the reader
  const firstSheet = reader.model?.sheets?.[0];
  const target = reader.workbookRels?.find((relation) => relation.Id === firstSheet?.rId)?.Target;
  if (!target) return;
  const sheetPath = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  const sheet = part(sheetPath);
  if (!sheet) throw new Error(`missing ${sheetPath}`);
  for (const { value: rows } of reader._parseWorksheet(wholeCharacters(sheet), /sheet(\d+)\.xml$/.exec(sheetPath)?.[1] ?? '1')) yield* rows;
}

/** The upload is not an xlsx the reader understands (a database failure while checking rows is not this). */
export class UnreadableImportFile extends Error {
  constructor(cause: unknown) {
    super('unreadable_file', { cause });
  }
}

/**
 * Reads and validates every row of an uploaded xlsx (streamed) without writing anything: the result is
 * either the validated inputs or the full list of problems (row, column, reason).
 */
export async function parseImport(services: Services, entity: Entity, actor: Actor, file: Buffer) {
  const fields = importFields(entity, await customFieldsFor(services.database.db, entity));
  const byHeader = new Map<string, [string, Field]>();
  for (const [name, field] of fields) {
    for (const header of [name, field.label.zh, field.label.en, `*${field.label.zh}`, `*${field.label.en}`]) byHeader.set(header.toLowerCase(), [name, field]);
  }
  const refs = await referenceMaps(services, entity, actor);
  const schema = createSchema(entity);
  const problems: ImportProblem[] = [];
  const inputs: { row: number; input: Record<string, unknown> }[] = [];
  let columns: ([string, Field] | undefined)[] = [];
  let sheetSeen = false;
  try {
    for await (const row of firstSheetRows(file)) {
      sheetSeen = true;
      const values = (row.values as ExcelJS.CellValue[]).slice(1).map(plainCell);
      if (row.number === 1) {
        columns = values.map((header) => byHeader.get(String(header ?? '').trim().toLowerCase()));
        values.forEach((header, index) => {
          if (header != null && String(header).trim() && !columns[index]) problems.push({ row: 1, column: String(header), reason: 'unknown_field' });
        });
        continue;
      }
      if (values.every((value) => value === null || value === '')) continue;
      if (inputs.length + 1 > maxImportRows) {
        problems.push({ row: row.number, column: '', reason: 'too_many_rows' });
        break;
      }
      const input: Record<string, unknown> = {};
      values.forEach((cell, index) => {
        const column = columns[index];
        if (!column) return;
        try {
          const value = convert(column[1], cell, refs.get(column[0]));
          if (value === undefined) return;
          if (column[0].startsWith('custom.')) input.custom = { ...(input.custom as object | undefined), [column[0].slice(7)]: value };
          else input[column[0]] = value;
        } catch (error) {
          problems.push({ row: row.number, column: column[1].label.zh, reason: (error as Error).message });
        }
      });
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        const appError = zodToAppError(parsed.error, input);
        for (const [name, { reason }] of Object.entries(appError.fields ?? {})) {
          const label = entity.fields[name]?.label.zh ?? name;
          if (!problems.some((problem) => problem.row === row.number && problem.column === label)) problems.push({ row: row.number, column: label, reason });
        }
      } else inputs.push({ row: row.number, input: parsed.data as Record<string, unknown> });
    }
  } catch (error) {
    throw new UnreadableImportFile(error);
  }
  if (!sheetSeen || columns.length === 0) problems.push({ row: 1, column: '', reason: 'empty_file' });
  duplicatesWithinFile(entity, inputs, problems);
  await duplicatesInDatabase(services, entity, inputs, problems);
  problems.sort((a, b) => a.row - b.row);
  return { inputs, problems };
}

function duplicatesWithinFile(entity: Entity, inputs: { row: number; input: Record<string, unknown> }[], problems: ImportProblem[]) {
  for (const [name, field] of Object.entries(entity.fields)) {
    if (!field.unique) continue;
    const seen = new Map<string, number>();
    for (const { row, input } of inputs) {
      const value = input[name];
      if (value == null || value === '') continue;
      const key = String(value).toUpperCase();
      const first = seen.get(key);
      if (first !== undefined) problems.push({ row, column: field.label.zh, reason: 'duplicate_in_file' });
      else seen.set(key, row);
    }
  }
}

/** Unique values already used by live records (whatever their scope), so one report lists every problem. */
async function duplicatesInDatabase(services: Services, entity: Entity, inputs: { row: number; input: Record<string, unknown> }[], problems: ImportProblem[]) {
  for (const [name, field] of Object.entries(entity.fields)) {
    if (!field.unique) continue;
    const isBlind = field.pii && blindIndexedKinds.has(field.kind);
    const column = isBlind ? `${columnName(name)}_bidx` : columnName(name);
    const keyOf = (value: unknown) => (isBlind ? services.cipher.blindIndex(String(value)) : String(value));
    const rowsByKey = new Map<string, number[]>();
    for (const { row, input } of inputs) {
      if (input[name] == null || input[name] === '') continue;
      const key = keyOf(input[name]);
      rowsByKey.set(key, [...(rowsByKey.get(key) ?? []), row]);
    }
    const keys = [...rowsByKey.keys()];
    for (let start = 0; start < keys.length; start += 500) {
      const found = await services.database.db
        .selectFrom(entity.table)
        .select(sql.ref(column).as('value'))
        .where(column, 'in', keys.slice(start, start + 500))
        .where('deleted_at', 'is', null)
        .execute();
      for (const { value } of found) for (const row of rowsByKey.get(String(value)) ?? []) problems.push({ row, column: field.label.zh, reason: 'duplicate' });
    }
  }
}
