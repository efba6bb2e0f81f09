import type { EnumOption, Field, Label } from './field.ts';

export type Action = 'view' | 'create' | 'edit' | 'delete' | 'export' | 'import' | 'approve' | 'reveal';
export const actions: readonly Action[] = ['view', 'create', 'edit', 'delete', 'export', 'import', 'approve', 'reveal'];

export type MenuGroup = 'org' | 'customers' | 'insurance' | 'sales' | 'admin';

/**
 * How rows of an entity are limited to a caller's data scope.
 * - org: the field naming the row's organisation (subtree rule); 'id' for the organisation entity itself.
 * - owner: the field naming the owning person, compared with the actor's salesperson or account id.
 */
export interface ScopeRule {
  org?: string;
  owner?: { field: string; actorKey: 'salespersonId' | 'accountId' };
}

export interface RelatedList {
  entity: string;
  field: string;
  label: Label;
}

/** One move of a workflow: from any of `from` to `to`, by holders of `<entity>:<permission>`. */
export interface Transition {
  action: string;
  label: Label;
  from: string[];
  to: string;
  permission: Action;
  /** The caller must say why (declines, rejections, reopenings). */
  requiresNote?: boolean;
  /** Fields the caller sets with this move (e.g. the approved amount of a claim). */
  fields?: string[];
  /** Fields that must hold a value after the move. */
  requires?: string[];
  /** Shown in a danger style in the UI. */
  danger?: boolean;
}

/**
 * A state machine over `status` (SPEC: signings, claims, tickets): the status then changes only through
 * POST /api/<plural>/:id/actions/:action, each move is checked, recorded on the timeline and audited.
 */
export interface Workflow {
  initial: string;
  transitions: Transition[];
}

export interface EntityDeclaration {
  /** Singular camelCase name, also the permission module key. */
  name: string;
  /** URL segment and table name stem (kebab-case plural). */
  plural: string;
  label: Label;
  group: MenuGroup;
  /** Prefix of the generated human-readable code, e.g. CUS → CUS000001. */
  codePrefix: string;
  fields: Record<string, Field>;
  /** Field shown when another record points at this one ('code' uses the generated code). */
  titleField: string;
  /**
   * Record status. Only `pickableStatus` rows can be chosen in relation pickers.
   * Defaults to normal / abnormal / unreviewed.
   */
  statuses?: EnumOption[];
  pickableStatus?: string[];
  /** Lists order by sort index desc, then newest first (SPEC §1). */
  hasSortIndex?: boolean;
  scope?: ScopeRule;
  /** Field name → true for fields whose duplicates are reported, not refused (e.g. phone). */
  duplicateCheck?: string[];
  related?: RelatedList[];
  /** Records also carry admin-defined fields (see customFieldDefinition), stored as JSON. */
  customFields?: boolean;
  /** Records can carry uploaded files (signed documents, claim evidence, course materials). */
  attachments?: boolean;
  /** Staff bulk-load this module from xlsx (template download + all-or-nothing import). */
  importable?: boolean;
  /** Menu icon name from @ant-design/icons. */
  icon?: string;
  workflow?: Workflow;
  /**
   * Extra composite indexes for the heavy read paths (reports, workbench, analyses) that the per-field
   * indexes cannot answer: field names, system fields included (`deletedAt`, `createdAt`, `status`), in
   * index order; a name ending in ' desc' sorts descending. Put equality columns first (`deletedAt`), then the
   * range column, then the columns the queries only read, so the index alone answers them (covering).
   */
  indexes?: { name: string; fields: string[] }[];
}

export type Entity = EntityDeclaration & {
  statuses: EnumOption[];
  pickableStatus: string[];
  table: string;
};

export const defaultStatuses: EnumOption[] = [
  { value: 'normal', label: { zh: '正常', en: 'Normal' }, color: 'green' },
  { value: 'abnormal', label: { zh: '异常', en: 'Abnormal' }, color: 'red' },
  { value: 'unreviewed', label: { zh: '未审核', en: 'Unreviewed' }, color: 'orange' },
];

export function defineEntity(declaration: EntityDeclaration): Entity {
  if (declaration.titleField !== 'code' && !declaration.fields[declaration.titleField]) {
    throw new Error(`${declaration.name}: titleField ${declaration.titleField} is not a field`);
  }
  const states = new Set((declaration.statuses ?? defaultStatuses).map((status) => status.value));
  for (const transition of declaration.workflow?.transitions ?? []) {
    if (![...transition.from, transition.to].every((state) => states.has(state))) throw new Error(`${declaration.name}: transition ${transition.action} names an unknown status`);
  }
  return {
    ...declaration,
    statuses: declaration.statuses ?? defaultStatuses,
    pickableStatus: declaration.pickableStatus ?? ['normal'],
    table: declaration.plural.replace(/-/g, '_'),
  };
}

/** Columns every entity table carries besides its declared fields. */
export const systemFields = [
  'id',
  'code',
  'status',
  'sortIndex',
  'version',
  'createdAt',
  'updatedAt',
  'createdBy',
  'updatedBy',
  'deletedAt',
] as const;

export const permissionKey = (entityName: string, action: Action): string => `${entityName}:${action}`;

/** Actions the workflow offers from a status, before permissions are considered. */
export const transitionsFrom = (entity: Entity, status: string): Transition[] =>
  entity.workflow?.transitions.filter((transition) => transition.from.includes(status)) ?? [];
