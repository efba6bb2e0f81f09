import { useQuery } from '@tanstack/react-query';
import { getEntity } from '@insure/model/registry';
import type { Entity } from '@insure/model/entity';
import { Card, Col, Row, Space, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { labelOf } from '../../app/i18n.ts';
import { iconFor } from '../../app/icon-registry.tsx';
import { buildMenu, entityPath, leafLabel } from '../../app/menu-model.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { entityApi } from '../../entity/entity-api.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';
import { WorkbenchPanels } from './WorkbenchPanels.tsx';

/** Entities whose visible-record counts the workbench shows. */
const countedEntities = ['customer', 'salesperson', 'organisation'];

function greetingKey(hour: number): string {
  if (hour < 5) return 'workbench.greeting.night';
  if (hour < 11) return 'workbench.greeting.morning';
  if (hour < 13) return 'workbench.greeting.noon';
  if (hour < 18) return 'workbench.greeting.afternoon';
  return 'workbench.greeting.evening';
}

function CountCard({ entity }: { entity: Entity }) {
  const { i18n } = useTranslation();
  const navigate = useNavigate();
  const count = useQuery({
    queryKey: [...entityQueryKey(entity, 'count')],
    queryFn: () => entityApi.query(entity, { page: 1, pageSize: 1, order: 'desc', filters: {} }),
  });
  return (
    <Card hoverable onClick={() => navigate(entityPath(entity.plural))} data-testid={`count-${entity.name}`}>
      <Statistic
        title={labelOf(entity.label, i18n.language)}
        value={count.data?.total ?? (count.isError ? '-' : 0)}
        loading={count.isLoading}
        prefix={iconFor(entity.icon, entity.name)}
      />
    </Card>
  );
}

export function WorkbenchPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const counted = countedEntities.map(getEntity).filter((entity) => hasPermission(me, `${entity.name}:view`));
  const shortcuts = buildMenu(me.permissions).flatMap((section) => section.items);
  usePageTitle(t('menu.workbench'));

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Typography.Title level={4} style={{ marginTop: 0 }} data-testid="workbench-greeting">
          {t(greetingKey(new Date().getHours()), { name: me.displayName })}
        </Typography.Title>
        <Space wrap>
          <Typography.Text type="secondary">{t('workbench.roles')}</Typography.Text>
          {me.roles.map((role) => (
            <Tag key={role.id} color="blue">
              {role.name}
            </Tag>
          ))}
        </Space>
      </Card>
      {counted.length > 0 && (
        <Row gutter={[16, 16]}>
          {counted.map((entity) => (
            <Col key={entity.name} xs={24} sm={12} lg={8}>
              <CountCard entity={entity} />
            </Col>
          ))}
        </Row>
      )}
      <WorkbenchPanels />
      <Card title={t('workbench.shortcuts')}>
        <Row gutter={[12, 12]}>
          {shortcuts.map((item) => (
            <Col key={item.path} xs={12} sm={8} md={6} xl={4}>
              <Card size="small" hoverable onClick={() => navigate(item.path)} style={{ textAlign: 'center' }}>
                <Space orientation="vertical" size={4}>
                  <span style={{ fontSize: 22 }}>{iconFor(item.icon, item.module)}</span>
                  <Typography.Text>{leafLabel(item, t, i18n.language)}</Typography.Text>
                </Space>
              </Card>
            </Col>
          ))}
        </Row>
      </Card>
    </Space>
  );
}
