import { DownOutlined, SearchOutlined, UpOutlined } from '@ant-design/icons';
import type { Entity } from '@insure/model/entity';
import { filterableFields } from '@insure/model/derive/query';
import { Button, Col, Form, Input, Row, Select, Space } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { labelOf } from '../app/i18n.ts';
import { useIsMobile } from '../app/use-is-mobile.ts';
import { customColumnKey, useCustomFields } from './custom-fields.ts';
import { FilterInput } from './FilterInput.tsx';
import type { FilterFormValues } from './list-filters.ts';

interface ListQueryFormProps {
  entity: Entity;
  onSearch: (values: FilterFormValues) => void;
  /** Values the form starts with (shown expanded so they are visible). */
  initialValues?: FilterFormValues;
}

/** Items shown before "expand": the keyword box, status and the first field filter (phones: the keyword box). */
const collapsedCount = 3;
const collapsedCountMobile = 1;

/** The conditional search form generated from the entity's filterable fields. */
export function ListQueryForm({ entity, onSearch, initialValues }: ListQueryFormProps) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<FilterFormValues>();
  const [isExpanded, setIsExpanded] = useState(!!initialValues);
  const customFields = useCustomFields(entity);
  const shownCollapsed = useIsMobile() ? collapsedCountMobile : collapsedCount;

  const searchLabels = [
    t('entity.code'),
    ...Object.values(entity.fields)
      .filter((field) => field.search)
      .map((field) => labelOf(field.label, i18n.language)),
  ];
  const items: { key: string; node: ReactNode }[] = [
    {
      key: 'q',
      node: (
        <Form.Item name="q" label={t('list.keyword')}>
          <Input allowClear placeholder={t('list.keywordPlaceholder', { fields: searchLabels.join(t('common.separator')) })} data-testid="list-keyword" onPressEnter={() => form.submit()} />
        </Form.Item>
      ),
    },
    {
      key: 'status',
      node: (
        <Form.Item name="status" label={t('entity.status')}>
          <Select
            mode="multiple"
            allowClear
            maxTagCount="responsive"
            placeholder={t('common.all')}
            options={entity.statuses.map((status) => ({ value: status.value, label: labelOf(status.label, i18n.language) }))}
            data-testid="filter-status"
          />
        </Form.Item>
      ),
    },
    ...filterableFields(entity).map(([name, field]) => ({
      key: name,
      node: (
        <Form.Item name={name} label={labelOf(field.label, i18n.language)}>
          <FilterInput field={field} name={name} />
        </Form.Item>
      ),
    })),
    ...customFields
      .filter(({ field }) => field.filter)
      .map(({ key, field }) => ({
        key: customColumnKey(key),
        node: (
          <Form.Item name={['custom', key]} label={labelOf(field.label, i18n.language)}>
            <FilterInput field={field} name={customColumnKey(key)} isSingle />
          </Form.Item>
        ),
      })),
  ];
  const visible = isExpanded ? items : items.slice(0, shownCollapsed);

  return (
    <Form form={form} layout="vertical" className="query-form" initialValues={initialValues} onFinish={() => onSearch(form.getFieldsValue(true))} data-testid="list-query-form">
      <Row gutter={16}>
        {visible.map((item) => (
          <Col key={item.key} xs={24} sm={12} lg={8} xl={6}>
            {item.node}
          </Col>
        ))}
        <Col xs={24} sm={12} lg={8} xl={6} style={{ display: 'flex', alignItems: 'flex-end', paddingBottom: 12 }}>
          <Space wrap>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="list-search">
              {t('list.search')}
            </Button>
            <Button
              data-testid="list-reset"
              onClick={() => {
                form.resetFields();
                onSearch({});
              }}
            >
              {t('list.reset')}
            </Button>
            {items.length > shownCollapsed && (
              <Button type="link" onClick={() => setIsExpanded((value) => !value)} data-testid="list-expand">
                {isExpanded ? t('list.collapse') : t('list.expand')} {isExpanded ? <UpOutlined /> : <DownOutlined />}
              </Button>
            )}
          </Space>
        </Col>
      </Row>
    </Form>
  );
}
