import { useParams } from 'react-router';
import { hasPermission } from '../app/auth-api.ts';
import { useMe } from '../app/AuthProvider.tsx';
import '../domains/entity-extensions.tsx';
import { ForbiddenPage } from '../pages/ForbiddenPage.tsx';
import { NotFoundPage } from '../pages/NotFoundPage.tsx';
import { entityByPlural } from './entity-lookup.ts';
import { EntityListPage } from './EntityListPage.tsx';

/** /m/:plural → the generated list page of the declared entity with that plural. */
export function EntityRoute() {
  const { plural = '' } = useParams();
  const me = useMe();
  const entity = entityByPlural(plural);
  if (!entity) return <NotFoundPage />;
  if (!hasPermission(me, `${entity.name}:view`)) return <ForbiddenPage />;
  return <EntityListPage key={entity.name} entity={entity} />;
}
