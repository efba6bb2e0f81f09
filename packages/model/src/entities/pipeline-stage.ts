import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { opportunityStages } from '../enums/sales.ts';

/**
 * Admin settings of the opportunity pipeline: one row per stage with its win probability and whether
 * the kanban offers it (an installation may skip needs analysis, for instance). Stages without a row
 * use the built-in probabilities; won and lost always exist.
 */
export const pipelineStage = defineEntity({
  name: 'pipelineStage',
  plural: 'pipeline-stages',
  label: { zh: '销售阶段设置', en: 'Pipeline stages' },
  group: 'sales',
  codePrefix: 'STG',
  titleField: 'stage',
  fields: {
    stage: f.enum({ zh: '阶段', en: 'Stage' }, opportunityStages, { required: true, unique: true, list: true, filter: true }),
    probability: f.int({ zh: '赢单概率(%)', en: 'Win probability (%)' }, { required: true, max: 100, list: true }),
    active: f.bool({ zh: '启用', en: 'In use' }, { defaultValue: true, list: true, filter: true }),
    description: f.textarea({ zh: '阶段说明', en: 'Description' }, { max: 500 }),
  },
});
