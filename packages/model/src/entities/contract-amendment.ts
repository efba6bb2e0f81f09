import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const contractAmendment = defineEntity({
  name: 'contractAmendment',
  plural: 'contract-amendments',
  label: { zh: '合同批改', en: 'Contract amendments' },
  group: 'insurance',
  codePrefix: 'AMD',
  titleField: 'title',
  attachments: true,
  scope: { org: 'orgId' },
  fields: {
    contractId: f.ref({ zh: '合同', en: 'Contract' }, 'contract', { required: true, list: true, filter: true }),
    amendmentNo: f.int({ zh: '批改序号', en: 'Amendment no.' }, { readOnly: true, list: true, sortable: true }),
    title: f.text({ zh: '批改事项', en: 'Subject' }, { required: true, max: 100, list: true, search: true }),
    effectiveDate: f.date({ zh: '生效日期', en: 'Effective date' }, { required: true, list: true, filter: true, sortable: true }),
    content: f.textarea({ zh: '批改内容', en: 'Amendment' }, { required: true, max: 4000 }),
    reason: f.textarea({ zh: '批改原因', en: 'Reason' }, { max: 1000 }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
