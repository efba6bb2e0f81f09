import type { Entity } from '@insure/model/entity';
import type { ComponentType, ReactNode } from 'react';
import type { EntityRow } from './entity-api.ts';

export interface RowActionProps {
  entity: Entity;
  row: EntityRow;
  /** Refreshes the list after the action changed something. */
  onDone: () => void;
}

export interface AlternateViewProps {
  entity: Entity;
  onOpenDetail: (id: number) => void;
}

/**
 * What a domain adds to an entity's generated list page, beside the generic behaviour every
 * declaration gets (extra row actions, another view such as the organisation tree).
 */
export interface EntityExtension {
  rowActions?: ComponentType<RowActionProps>[];
  alternateView?: { labelKey: string; icon: ReactNode; component: ComponentType<AlternateViewProps> };
  /** Suggested inputs of a workflow move, by action (e.g. the approved amount starts as the requested one). */
  transitionDefaults?: Record<string, (row: EntityRow) => Record<string, unknown>>;
}

const extensions = new Map<string, EntityExtension>();

export function registerEntityExtension(entityName: string, extension: EntityExtension): void {
  extensions.set(entityName, { ...extensions.get(entityName), ...extension });
}

export const entityExtension = (entityName: string): EntityExtension => extensions.get(entityName) ?? {};
