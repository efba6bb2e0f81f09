import type { RowActionProps } from '../../entity/entity-extensions.ts';
import { RenewButton } from './RenewButton.tsx';

/** Policies row action: renew (only shown for renewable policies to users who may create policies). */
export function RenewRowAction({ row }: RowActionProps) {
  return <RenewButton row={row} size="small" type="link" />;
}
