import type { Entity } from '@insure/model/entity';

/** Query-cache keys of one entity; invalidating `entityQueryKey(entity)` refreshes all of them. */
export const entityQueryKey = (entity: Entity, ...rest: (string | number)[]): (string | number)[] => ['entity', entity.plural, ...rest];
