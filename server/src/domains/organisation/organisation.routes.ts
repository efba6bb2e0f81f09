import { getEntity } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../entities/context.ts';
import { scopedRows } from '../../entities/read.ts';
import { requirePermission } from '../../platform/http.ts';

interface TreeNode {
  id: number;
  code: string;
  name: string;
  type: string;
  status: string;
  level: number;
  parentId: number | null;
  children: TreeNode[];
}

export function registerOrganisationRoutes(app: FastifyInstance, services: Services): void {
  const organisation = getEntity('organisation');
  app.get('/api/organisations/tree', { schema: { tags: ['organisation'], summary: 'Organisations in scope as a tree' } }, async (request) => {
    const actor = requirePermission(request, 'organisation:view');
    const rows = await scopedRows(services.database.db, organisation, actor)
      .select(['organisations.id', 'organisations.code', 'organisations.name', 'organisations.type', 'organisations.status', 'organisations.level', 'organisations.parent_id'])
      .orderBy('organisations.sort_index', 'desc')
      .orderBy('organisations.id')
      .execute();
    const nodes = new Map<number, TreeNode>();
    for (const row of rows) {
      nodes.set(Number(row.id), {
        id: Number(row.id),
        code: String(row.code),
        name: String(row.name),
        type: String(row.type),
        status: String(row.status),
        level: Number(row.level),
        parentId: row.parent_id == null ? null : Number(row.parent_id),
        children: [],
      });
    }
    const roots: TreeNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentId ? nodes.get(node.parentId) : undefined;
      if (parent) parent.children.push(node);
      else roots.push(node);
    }
    return { items: roots };
  });
}
