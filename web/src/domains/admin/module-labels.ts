import type { Label } from '@insure/model/field';
import { extraModules } from '@insure/model/permissions';
import { entities } from '@insure/model/registry';

/** Every permission module (entities and the extra admin modules) with its label. */
export const moduleLabels: { name: string; label: Label }[] = [
  ...entities.map((entity) => ({ name: entity.name, label: entity.label })),
  ...extraModules.map((module) => ({ name: module.name, label: module.label })),
];

export const moduleLabel = (name: string): Label | undefined => moduleLabels.find((module) => module.name === name)?.label;

/** Actions the operation log records (engine writes plus workflow and security events). */
export const auditActions = ['create', 'update', 'delete', 'restore', 'purge', 'reveal', 'export', 'import', 'approve', 'password_reset', 'password_change', 'revoke', 'attach', 'detach', 'archive'];
