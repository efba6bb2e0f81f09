import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const backupStatuses = [
  { value: 'running', label: { zh: '进行中', en: 'Running' }, color: 'processing' },
  { value: 'succeeded', label: { zh: '成功', en: 'Succeeded' }, color: 'green' },
  { value: 'failed', label: { zh: '失败', en: 'Failed' }, color: 'red' },
];

export const backupRecord = defineEntity({
  name: 'backupRecord',
  plural: 'backup-records',
  label: { zh: '数据备份', en: 'Backups' },
  group: 'admin',
  codePrefix: 'BAK',
  titleField: 'fileName',
  statuses: backupStatuses,
  pickableStatus: ['succeeded'],
  fields: {
    kind: f.enum({ zh: '备份类型', en: 'Kind' }, [
      { value: 'system', label: { zh: '系统备份', en: 'System backup' } },
      { value: 'importantData', label: { zh: '重要数据备份', en: 'Important data' } },
    ], { required: true, list: true, filter: true }),
    trigger: f.enum({ zh: '触发方式', en: 'Trigger' }, [
      { value: 'manual', label: { zh: '手动', en: 'Manual' } },
      { value: 'scheduled', label: { zh: '定时', en: 'Scheduled' } },
    ], { required: true, list: true, filter: true }),
    fileName: f.text({ zh: '文件名', en: 'File' }, { required: true, max: 200, list: true, search: true }),
    sizeBytes: f.int({ zh: '大小(字节)', en: 'Size (bytes)' }, { max: Number.MAX_SAFE_INTEGER, list: true }),
    sha256: f.text({ zh: 'SHA-256', en: 'SHA-256' }, { max: 64 }),
    startedAt: f.datetime({ zh: '开始时间', en: 'Started' }, { list: true, sortable: true, filter: true }),
    finishedAt: f.datetime({ zh: '结束时间', en: 'Finished' }, { list: true }),
    remarks: f.textarea({ zh: '备注', en: 'Remarks' }, { max: 1000 }),
  },
});
