import type { Entity } from '@insure/model/entity';
import type { Row } from '../db/database.ts';
import type { WriteContext } from './context.ts';

/** Domain behaviour around generic writes, keyed by entity name (e.g. organisation tree paths). */
export interface EntityHooks {
  /** Before the row is written; may refuse with an AppError. `input` holds the validated fields. */
  beforeWrite?(ctx: WriteContext, entity: Entity, input: Record<string, unknown>, existing: Row | null): Promise<void>;
  /** After the row is written, in the same transaction. */
  afterWrite?(ctx: WriteContext, entity: Entity, id: number, input: Record<string, unknown>, existing: Row | null): Promise<void>;
  /**
   * After rows are created, in the same transaction: once per createRecord and once per batch of an import
   * (createRecords), with every id, so set-wise work keeps the batched path.
   */
  afterCreate?(ctx: WriteContext, entity: Entity, ids: number[]): Promise<void>;
  /** After an existing row is updated (not on create, so imports keep their batched path). */
  afterUpdate?(ctx: WriteContext, entity: Entity, id: number, input: Record<string, unknown>, existing: Row): Promise<void>;
  beforeDelete?(ctx: WriteContext, entity: Entity, row: Row): Promise<void>;
  afterDelete?(ctx: WriteContext, entity: Entity, row: Row): Promise<void>;
  /** After a row is restored from the recycle bin, in the same transaction (`row` as it was while deleted). */
  afterRestore?(ctx: WriteContext, entity: Entity, row: Row): Promise<void>;
  /** Before personal data of a row is shown in plain text (inside the reveal's transaction); may refuse. */
  beforeReveal?(ctx: WriteContext, entity: Entity, row: Row, fields: string[]): Promise<void>;
  /** Adds figures derived at read time (e.g. a claim past its handling target) to a presented record. */
  decorate?(record: Record<string, unknown>, now: Date): void;
}

const registry = new Map<string, EntityHooks>();

/** Several domains may hook one entity (the customer pool and profiles both follow customers): all run, in order. */
export function registerHooks(entityName: string, hooks: EntityHooks): void {
  const merged: Record<string, unknown> = { ...registry.get(entityName) };
  for (const [key, hook] of Object.entries(hooks) as [keyof EntityHooks, (...args: unknown[]) => unknown][]) {
    const earlier = merged[key] as ((...args: unknown[]) => unknown) | undefined;
    merged[key] = !earlier
      ? hook
      : key === 'decorate'
        ? (...args: unknown[]) => {
            earlier(...args);
            hook(...args);
          }
        : async (...args: unknown[]) => {
            await earlier(...args);
            await hook(...args);
          };
  }
  registry.set(entityName, merged as EntityHooks);
}

export const hooksFor = (entityName: string): EntityHooks => registry.get(entityName) ?? {};
