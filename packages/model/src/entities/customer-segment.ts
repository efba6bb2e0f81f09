import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

/**
 * A saved segment (客户分群): AND/OR groups of conditions over profile fields, tags, customer fields and custom
 * fields (`definition`, JSON; see docs/profiles.md). Members are computed by one SQL query within the caller's scope.
 */
export const customerSegment = defineEntity({
  name: 'customerSegment',
  plural: 'customer-segments',
  label: { zh: '客户分群', en: 'Segments' },
  group: 'customers',
  codePrefix: 'SEG',
  titleField: 'name',
  scope: { org: 'orgId' },
  fields: {
    name: f.text({ zh: '分群名称', en: 'Name' }, { required: true, max: 50, list: true, search: true }),
    description: f.textarea({ zh: '说明', en: 'Description' }, { max: 500 }),
    definition: f.textarea({ zh: '分群条件', en: 'Conditions' }, { required: true, max: 20000, example: '{"op":"and","items":[{"field":"profile.valueTier","op":"in","value":["gold","platinum"]}]}', help: { zh: '用分群设计器编辑', en: 'Edited in the segment builder' } }),
    lastCount: f.int({ zh: '上次人数', en: 'Last count' }, { readOnly: true, list: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, list: true, filter: true }),
  },
});
