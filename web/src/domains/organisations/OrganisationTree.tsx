import { useQuery } from '@tanstack/react-query';
import { Empty, Result, Skeleton, Space, Tree, Typography, type TreeDataNode } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api-client.ts';
import { errorMessage } from '../../app/error-message.ts';
import type { AlternateViewProps } from '../../entity/entity-extensions.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';
import { FieldValue, StatusTag } from '../../entity/FieldValue.tsx';

interface OrgNode {
  id: number;
  code?: string | null;
  name: string;
  type?: string | null;
  status: string;
  children: OrgNode[];
}

const orgNodeSchema: z.ZodType<OrgNode> = z.lazy(() =>
  z.looseObject({
    id: z.number(),
    code: z.string().nullable().optional(),
    name: z.string(),
    type: z.string().nullable().optional(),
    status: z.string(),
    children: z.array(orgNodeSchema).default([]),
  }),
);
const treeSchema = z.looseObject({ items: z.array(orgNodeSchema) });

const expandDepth = 2;

/** The organisation tree (GET /api/organisations/tree) as an alternative to the table. */
export function OrganisationTree({ entity, onOpenDetail }: AlternateViewProps) {
  const { t } = useTranslation();
  const tree = useQuery({
    queryKey: entityQueryKey(entity, 'tree'),
    queryFn: ({ signal }) => api.get(treeSchema, '/api/organisations/tree', signal),
  });
  const typeField = entity.fields.type;

  const { nodes, expanded } = useMemo(() => {
    const expandedKeys: string[] = [];
    const toNode = (org: OrgNode, depth: number): TreeDataNode => {
      if (depth < expandDepth && org.children.length > 0) expandedKeys.push(String(org.id));
      return {
        key: String(org.id),
        title: (
          <Space size={6} wrap>
            <Typography.Link onClick={() => onOpenDetail(org.id)}>{org.name}</Typography.Link>
            <Typography.Text type="secondary">{org.code}</Typography.Text>
            {typeField && org.type && (
              <FieldValue field={typeField} name="type" row={{ id: org.id, status: org.status, version: 0, type: org.type, _refs: {}, can: { edit: false, delete: false, reveal: false, actions: [] } }} />
            )}
            {org.status !== 'normal' && <StatusTag entity={entity} value={org.status} />}
          </Space>
        ),
        children: org.children.map((child) => toNode(child, depth + 1)),
      };
    };
    const built = (tree.data?.items ?? []).map((org) => toNode(org, 0));
    return { nodes: built, expanded: expandedKeys };
  }, [tree.data, entity, typeField, onOpenDetail]);

  if (tree.isLoading) return <Skeleton active />;
  if (tree.isError) return <Result status="warning" subTitle={errorMessage(tree.error, t)} />;
  if (nodes.length === 0) return <Empty />;
  return <Tree key={expanded.join(',')} treeData={nodes} defaultExpandedKeys={expanded} showLine blockNode selectable={false} data-testid="org-tree" />;
}
