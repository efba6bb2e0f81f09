import type { Entity } from '@insure/model/entity';
import type { Row } from '../db/database.ts';
import type { WriteContext } from './context.ts';

/** Domain behaviour around generic writes, keyed by entity name (e.g. organisation tree paths). */
export interface EntityHooks {
  /** Before the row is written; may refuse with an AppError. `input` holds the validated fields. */
  beforeWrite?(ctx: WriteContext, entity: Entity, input: Record<string, unknown>, existing: Row | null): Promise<void>;
  /** After the row is written, in the same transaction. */
  afterWrite?(ctx: WriteContext, entity: Entity, id: number, input: Record<string, unknown>, existing: Row | null): Promise<void>;
  /** After an existing row is updated (not on create, so imports keep their batched path). */
  afterUpdate?(ctx: WriteContext, entity: Entity, id: number, input: Record<string, unknown>, existing: Row): Promise<void>;
  beforeDelete?(ctx: WriteContext, entity: Entity, row: Row): Promise<void>;
  afterDelete?(ctx: WriteContext, entity: Entity, row: Row): Promise<void>;
  /** Before personal data of a row is shown in plain text (inside the reveal's transaction); may refuse. */
  beforeReveal?(ctx: WriteContext, entity: Entity, row: Row, fields: string[]): Promise<void>;
  /** Adds figures derived at read time (e.g. a claim past its handling target) to a presented record. */
  decorate?(record: Record<string, unknown>, now: Date): void;
}

const registry = new Map<string, EntityHooks>();

export function registerHooks(entityName: string, hooks: EntityHooks): void {
  registry.set(entityName, { ...registry.get(entityName), ...hooks });
}

export const hooksFor = (entityName: string): EntityHooks => registry.get(entityName) ?? {};
