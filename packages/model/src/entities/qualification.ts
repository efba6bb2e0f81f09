import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { qualificationTypes } from '../enums/service.ts';

/** A licence held by a salesperson; signings of products that require it check it is valid. */
export const qualification = defineEntity({
  name: 'qualification',
  plural: 'qualifications',
  label: { zh: '资质证照', en: 'Qualifications' },
  group: 'org',
  codePrefix: 'QL',
  titleField: 'certificateNo',
  attachments: true,
  scope: { org: 'orgId', owner: { field: 'salespersonId', actorKey: 'salespersonId' } },
  fields: {
    salespersonId: f.ref({ zh: '业务员', en: 'Salesperson' }, 'salesperson', { required: true, list: true, filter: true }),
    type: f.enum({ zh: '资质类型', en: 'Type' }, qualificationTypes, { required: true, list: true, filter: true }),
    certificateNo: f.text({ zh: '证书编号', en: 'Certificate no.' }, { required: true, max: 50, list: true, search: true }),
    issuedOn: f.date({ zh: '发证日期', en: 'Issued on' }, { list: true }),
    expiresOn: f.date({ zh: '有效期至', en: 'Valid until' }, { required: true, list: true, filter: true, sortable: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
