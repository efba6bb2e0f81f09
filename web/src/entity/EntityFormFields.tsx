import type { Entity } from '@insure/model/entity';
import { Col, Form, InputNumber, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { labelOf } from '../app/i18n.ts';
import { refsOf, type EntityRow } from './entity-api.ts';
import { formFields } from './entity-lookup.ts';
import { fieldRule } from './field-rules.ts';
import { DuplicateWarning } from './DuplicateWarning.tsx';
import { FieldInput } from './FieldInput.tsx';
import { customKey, isKeptWhenBlank, sortIndexKey, statusKey } from './form-values.ts';
import type { CustomField } from './custom-fields.ts';

interface EntityFormFieldsProps {
  entity: Entity;
  row: EntityRow | undefined;
  isMobile: boolean;
  customFields: CustomField[];
}

/** One Form.Item per writable field, then status (unless a workflow moves it) and sort index. */
export function EntityFormFields({ entity, row, isMobile, customFields }: EntityFormFieldsProps) {
  const { t, i18n } = useTranslation();
  const mode = row ? 'edit' : 'create';
  const span = (isWide: boolean) => (isMobile || isWide ? 24 : 12);

  return (
    <Row gutter={16}>
      {formFields(entity).map(([name, field]) => {
        const isKept = isKeptWhenBlank(field, mode);
        const masked = row && isKept && typeof row[name] === 'string' ? row[name] : undefined;
        const help = field.help ? labelOf(field.help, i18n.language) : undefined;
        const hasDuplicateCheck = entity.duplicateCheck?.includes(name) === true;
        return (
          <Col key={name} span={span(field.wide === true || field.kind === 'permissions' || field.kind === 'textarea')}>
            <Form.Item
              name={name}
              label={labelOf(field.label, i18n.language)}
              rules={[fieldRule(field, t, { isBlankAllowed: isKept })]}
              extra={
                isKept || help || hasDuplicateCheck ? (
                  <>
                    {isKept ? t('form.piiKeepHint') : help}
                    {hasDuplicateCheck && <DuplicateWarning entity={entity} name={name} excludeId={row?.id} />}
                  </>
                ) : undefined
              }
              validateFirst
            >
              <FieldInput field={field} name={name} owner={entity.name} known={row ? refsOf(row, name) : undefined} placeholder={masked ?? (field.example ? t('form.example', { example: field.example }) : undefined)} />
            </Form.Item>
          </Col>
        );
      })}
      {customFields.map(({ key, field }) => (
        <Col key={`custom.${key}`} span={span(false)}>
          <Form.Item name={[customKey, key]} label={labelOf(field.label, i18n.language)} rules={[fieldRule(field, t)]} validateFirst>
            <FieldInput field={field} name={`custom.${key}`} />
          </Form.Item>
        </Col>
      ))}
      {!entity.workflow && (
        <Col span={span(false)}>
          <Form.Item name={statusKey} label={t('entity.status')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select
              data-testid="field-status"
              options={entity.statuses.map((status) => ({ value: status.value, label: labelOf(status.label, i18n.language) }))}
            />
          </Form.Item>
        </Col>
      )}
      {entity.hasSortIndex && (
        <Col span={span(false)}>
          <Form.Item name={sortIndexKey} label={t('entity.sortIndex')} extra={t('form.sortIndexHint')}>
            <InputNumber precision={0} min={-1_000_000} max={1_000_000} style={{ width: '100%' }} data-testid="field-sortIndex" />
          </Form.Item>
        </Col>
      )}
    </Row>
  );
}
