/** A label in both UI languages. */
export interface Label {
  zh: string;
  en: string;
}

export interface EnumOption {
  value: string;
  label: Label;
  /** antd tag colour used by the web list. */
  color?: string;
}

export type FieldKind =
  | 'text'
  | 'textarea'
  | 'phone'
  | 'idCard'
  | 'email'
  | 'money'
  | 'int'
  | 'decimal'
  | 'date'
  | 'datetime'
  | 'enum'
  | 'bool'
  | 'ref'
  | 'refMany'
  | 'permissions';

export interface FieldOptions {
  required?: boolean;
  /** Shown as a column in the list by default. */
  list?: boolean;
  /** Offered in the list's query form. */
  filter?: boolean;
  /**
   * How a text filter matches: 'contains' (the default) or 'exact', for values picked from a known set
   * (a city), which an index answers on millions of rows where a substring match must read every row.
   */
  filterMatch?: 'contains' | 'exact';
  /**
   * For references: the target statuses this field accepts when they differ from the target's pickable
   * ones (a claim may name a policy that has since expired).
   */
  refStatuses?: string[];
  /** Part of the keyword box (q). */
  search?: boolean;
  sortable?: boolean;
  /** Server-maintained: never accepted from clients. */
  readOnly?: boolean;
  /** Personal data: encrypted at rest, masked on output unless revealed. */
  pii?: boolean;
  /** Must be unique among live rows. */
  unique?: boolean;
  /** Maximum length for strings, maximum value for numbers. */
  max?: number;
  min?: number;
  /** Value used when a create leaves the field out. */
  defaultValue?: string | number | boolean;
  /** Form placement hint: spans the whole form row. */
  wide?: boolean;
  /** Stored and maintained by the server, never shown in forms or lists. */
  hidden?: boolean;
  /** Help text under the input. */
  help?: Label;
  /** A regular expression (source) text values must match; failures read 'invalid_format'. */
  pattern?: string;
  /** A typical value: the input placeholder, and the seed of generated test data. */
  example?: string;
  /**
   * Sensitive personal information (PIPL art. 28): revealing it needs an active consent of this category
   * (see the consent entity). Only on customer fields.
   */
  consentCategory?: 'health' | 'idNumber' | 'financial';
}

export interface FieldBase extends FieldOptions {
  kind: FieldKind;
  label: Label;
}

export interface ScalarField extends FieldBase {
  kind: Exclude<FieldKind, 'enum' | 'ref' | 'refMany'>;
}

export interface EnumField extends FieldBase {
  kind: 'enum';
  options: EnumOption[];
}

export interface RefField extends FieldBase {
  kind: 'ref' | 'refMany';
  /** Name of the referenced entity. */
  entity: string;
}

export type Field = ScalarField | EnumField | RefField;

const scalar =
  (kind: ScalarField['kind'], defaults: FieldOptions = {}) =>
  (label: Label, options: FieldOptions = {}): ScalarField => ({ kind, label, ...defaults, ...options });

/** Field constructors: the only vocabulary entity declarations use. */
export const f = {
  text: scalar('text', { max: 100 }),
  textarea: scalar('textarea', { max: 2000, wide: true }),
  phone: scalar('phone', { max: 20 }),
  idCard: scalar('idCard', { max: 18 }),
  email: scalar('email', { max: 254 }),
  money: scalar('money', { min: 0, max: 1e12 }),
  int: scalar('int', { min: 0, max: 2_000_000_000 }),
  decimal: scalar('decimal', { max: 1e12 }),
  date: scalar('date'),
  datetime: scalar('datetime'),
  bool: scalar('bool'),
  /** A set of `module:action` permission keys (roles). */
  permissions: scalar('permissions', { wide: true }),
  enum: (label: Label, options: EnumOption[], extra: FieldOptions = {}): EnumField => ({
    kind: 'enum',
    label,
    options,
    ...extra,
  }),
  ref: (label: Label, entity: string, extra: FieldOptions = {}): RefField => ({ kind: 'ref', label, entity, ...extra }),
  refMany: (label: Label, entity: string, extra: FieldOptions = {}): RefField => ({
    kind: 'refMany',
    label,
    entity,
    ...extra,
  }),
};

export const isRefField = (field: Field): field is RefField => field.kind === 'ref' || field.kind === 'refMany';
export const isEnumField = (field: Field): field is EnumField => field.kind === 'enum';

/** Kinds whose values are stored encrypted with a keyed hash for exact lookup. */
export const blindIndexedKinds: ReadonlySet<FieldKind> = new Set(['phone', 'idCard']);

const columnNames = new Map<string, string>();
/** snake_case column name for a camelCase field name (memoised: it is called per field per row). */
export const columnName = (fieldName: string): string => {
  let column = columnNames.get(fieldName);
  if (column === undefined) {
    column = fieldName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    // Field names come from declarations (and validated custom keys): a small, bounded set.
    if (columnNames.size < 10_000) columnNames.set(fieldName, column);
  }
  return column;
};
