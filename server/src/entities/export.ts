import { PassThrough, Readable } from 'node:stream';
import type { Entity } from '@insure/model/entity';
import { isEnumField, isRefField, type Field } from '@insure/model/field';
import type { ListQuery } from '@insure/model/derive/query';
import ExcelJS from 'exceljs';
import type { Actor } from '../platform/access/actor.ts';
import { csvBom, csvLine, escapeFormula } from '../platform/csv.ts';
import type { Locale } from '../platform/i18n.ts';
import type { Services } from './context.ts';
import { listPredicate } from './filters.ts';
import { customDefinitionsForQuery, presentRows, recordColumns, scopedRows, type RefSummary } from './read.ts';
import type { ApiRecord } from './row-mapper.ts';
import type { CustomFieldDefinition } from './custom-fields.ts';

const batchSize = 1000;
const idBatchSize = 50_000;

export interface ExportColumn {
  name: string;
  header: string;
  value(record: ApiRecord): string | number | boolean | null;
}

const systemHeaders: Record<string, { zh: string; en: string }> = {
  code: { zh: '编码', en: 'Code' },
  status: { zh: '状态', en: 'Status' },
  createdAt: { zh: '创建时间', en: 'Created' },
  updatedAt: { zh: '更新时间', en: 'Updated' },
};

function fieldValue(field: Field, name: string, record: ApiRecord, locale: Locale): string | number | boolean | null {
  const value = record[name];
  if (value == null) return null;
  if (isEnumField(field)) return field.options.find((option) => option.value === value)?.label[locale === 'en-US' ? 'en' : 'zh'] ?? String(value);
  if (isRefField(field)) {
    const refs = (record._refs as Record<string, RefSummary | RefSummary[] | null> | undefined)?.[name];
    if (Array.isArray(refs)) return refs.map((ref) => ref.label).join('、');
    return refs ? `${refs.label}${refs.deleted ? (locale === 'en-US' ? ' (deleted)' : '（已删除）') : ''}` : String(value);
  }
  if (Array.isArray(value)) return value.join(',');
  return value as string | number | boolean;
}

/** The exported columns: the caller's visible columns (or the list defaults), headers in the caller's language. */
export function exportColumns(entity: Entity, requested: string[] | undefined, locale: Locale, custom: CustomFieldDefinition[] = []): ExportColumn[] {
  const language = locale === 'en-US' ? 'en' : 'zh';
  const defaults = [
    'code',
    ...Object.entries(entity.fields).filter(([, field]) => field.list && !field.hidden).map(([name]) => name),
    ...custom.filter((definition) => definition.showInList).map((definition) => `custom.${definition.key}`),
    'status',
  ];
  const names = (requested?.length ? requested : defaults).filter((name) => !name.startsWith('custom.') || custom.some((definition) => `custom.${definition.key}` === name));
  return names.map((name): ExportColumn => {
    if (name.startsWith('custom.')) {
      const definition = custom.find((candidate) => `custom.${candidate.key}` === name)!;
      const key = definition.key;
      return { name, header: language === 'en' ? definition.labelEn : definition.labelZh, value: (record) => ((record.custom as Record<string, string | number> | undefined)?.[key] ?? null) };
    }
    if (systemHeaders[name]) {
      const header = systemHeaders[name]![language];
      if (name === 'status') {
        return { name, header, value: (record) => entity.statuses.find((status) => status.value === record.status)?.label[language] ?? String(record.status) };
      }
      return { name, header, value: (record) => (record[name] as string | null) ?? null };
    }
    const field = entity.fields[name]!;
    return { name, header: field.label[language], value: (record) => fieldValue(field, name, record, locale) };
  });
}

export const exportableColumnNames = (entity: Entity) => [
  ...Object.keys(systemHeaders),
  ...Object.entries(entity.fields).filter(([, field]) => !field.hidden).map(([name]) => name),
];

/**
 * Every row matching the filter in the actor's scope, newest first, in keyset batches so memory stays flat
 * however many rows there are: first up to 50,000 ids (answered from an index wherever the filter has one),
 * then their rows 1,000 at a time by primary key, still live and in scope (a row edited out of the filter
 * in between still goes out, as it would have a moment earlier). Reading whole rows in id order directly
 * would make every batch re-scan and re-sort a filtered index range. Personal data stays masked (the
 * reveal action is per record and audited).
 */
export async function* exportRecords(services: Services, entity: Entity, actor: Actor, query: Pick<ListQuery, 'q' | 'filters'>) {
  const { db, dialect } = services.database;
  const table = entity.table;
  const where = listPredicate(entity, query, services.cipher, dialect, await customDefinitionsForQuery(services, entity, query), services.database.keywordMode);
  let afterId = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const ids = (
      await scopedRows(db, entity, actor).where(where).where(`${table}.id`, '<', afterId).select(`${table}.id`).orderBy(`${table}.id`, 'desc').limit(idBatchSize).execute()
    ).map((row) => Number(row.id));
    if (!ids.length) return;
    for (let start = 0; start < ids.length; start += batchSize) {
      const chunk = ids.slice(start, start + batchSize);
      const rows = await scopedRows(db, entity, actor).where(`${table}.id`, 'in', chunk).select(recordColumns(entity)).orderBy(`${table}.id`, 'desc').execute();
      if (rows.length) yield await presentRows(services, entity, actor, rows);
    }
    afterId = ids[ids.length - 1]!;
  }
}

export function csvStream(columns: ExportColumn[], batches: AsyncGenerator<ApiRecord[]>): Readable {
  async function* lines() {
    yield csvBom + csvLine(columns.map((column) => column.header));
    for await (const batch of batches) {
      yield batch.map((record) => csvLine(columns.map((column) => column.value(record)))).join('');
    }
  }
  return Readable.from(lines());
}

/** A writable stream from any stream library (ExcelJS and archiver bring their own readable-stream 2.x). */
interface AnyWritable {
  _writableState?: { needDrain?: boolean };
  destroyed?: boolean;
  once(event: string, listener: () => void): unknown;
  off?(event: string, listener: () => void): unknown;
  removeListener(event: string, listener: () => void): unknown;
}

/**
 * The stream ExcelJS feeds with the sheet's XML: ExcelJS writes to it without waiting, and the zip entry
 * behind it compresses one chunk per event-loop turn, so the writer must wait for it or memory fills up.
 * (ExcelJS internals: should they change, this finds nothing and only the client's pace is waited for.)
 */
function sheetSink(sheet: ExcelJS.Worksheet): AnyWritable | null {
  const sink = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0] as AnyWritable | undefined;
  return sink && typeof sink.once === 'function' && sink._writableState ? sink : null;
}

const needsDrain = (stream: AnyWritable) => !stream.destroyed && stream._writableState?.needDrain === true;

const drainedOrClosed = (stream: AnyWritable) =>
  new Promise<void>((resolve) => {
    const done = () => {
      stream.removeListener('drain', done);
      stream.removeListener('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });

/**
 * Streaming xlsx writer: rows are committed as they come, so a million rows never sit in memory. Between
 * batches it gives the event loop a turn (compression runs on the thread pool and other requests wait
 * otherwise), waits while the client is not reading, and stops when the client has gone.
 */
export function xlsxStream(sheetName: string, columns: ExportColumn[], batches: AsyncGenerator<ApiRecord[]>, onError: (error: unknown) => void): Readable {
  const output = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  sheet.columns = columns.map((column) => ({ header: column.header, key: column.name, width: 18 }));
  (async () => {
    for await (const batch of batches) {
      for (const record of batch) {
        sheet.addRow(columns.map((column) => {
          const value = column.value(record);
          return typeof value === 'string' ? escapeFormula(value) : value;
        })).commit();
      }
      await new Promise((resolve) => setImmediate(resolve));
      const sink = sheetSink(sheet);
      while (sink && needsDrain(sink) && !output.destroyed) await drainedOrClosed(sink);
      while (needsDrain(output as unknown as AnyWritable)) await drainedOrClosed(output);
      if (output.destroyed) {
        await batches.return(undefined);
        return;
      }
    }
    sheet.commit();
    await workbook.commit();
  })().catch((error: unknown) => {
    onError(error);
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return output;
}
