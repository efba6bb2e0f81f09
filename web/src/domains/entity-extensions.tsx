import { ApartmentOutlined, ProjectOutlined } from '@ant-design/icons';
import { registerEntityExtension } from '../entity/entity-extensions.ts';
import { ResetPasswordAction } from './accounts/ResetPasswordAction.tsx';
import { Customer360Action } from './customers/Customer360Action.tsx';
import { RenewRowAction } from './insurance/RenewRowAction.tsx';
import { OrganisationTree } from './organisations/OrganisationTree.tsx';
import { CampaignResultsAction } from './service/CampaignResultsAction.tsx';
import { AnswerSurveyAction, SurveyLinkAction } from './service/SurveyRowActions.tsx';
import { MoveStageRowAction } from './sales/MoveStageRowAction.tsx';
import { OpportunityBoard } from './sales/OpportunityBoard.tsx';
import { OpenAnalysisAction, OpenReportAction } from './reports/OpenSavedAction.tsx';
import { EditSegmentAction, SegmentOpportunitiesAction } from './profiles/SegmentOpportunitiesDialog.tsx';

registerEntityExtension('account', { rowActions: [ResetPasswordAction] });
registerEntityExtension('organisation', {
  alternateView: { labelKey: 'organisations.treeView', icon: <ApartmentOutlined />, component: OrganisationTree },
});
registerEntityExtension('customer', { rowActions: [Customer360Action] });
registerEntityExtension('opportunity', {
  rowActions: [MoveStageRowAction],
  alternateView: { labelKey: 'pipeline.kanban', icon: <ProjectOutlined />, component: OpportunityBoard },
});
registerEntityExtension('policy', { rowActions: [RenewRowAction] });
registerEntityExtension('claim', {
  transitionDefaults: {
    // the handler usually approves what was asked for and pays what was approved
    approve: (row) => ({ approvedAmount: row.requestedAmount }),
    pay: (row) => ({ paidAmount: row.approvedAmount }),
  },
});
registerEntityExtension('survey', { rowActions: [AnswerSurveyAction, SurveyLinkAction] });
registerEntityExtension('campaign', { rowActions: [CampaignResultsAction] });
registerEntityExtension('reportDefinition', { rowActions: [OpenReportAction] });
registerEntityExtension('customerAnalysis', { rowActions: [OpenAnalysisAction] });
registerEntityExtension('customerSegment', { rowActions: [EditSegmentAction, SegmentOpportunitiesAction] });
