import type { Entity } from './entity.ts';
import { account } from './entities/account.ts';
import { campaign } from './entities/campaign.ts';
import { campaignParticipant } from './entities/campaign-participant.ts';
import { claim } from './entities/claim.ts';
import { competitor } from './entities/competitor.ts';
import { competitorAnalysis } from './entities/competitor-analysis.ts';
import { consent } from './entities/consent.ts';
import { contract } from './entities/contract.ts';
import { contractAmendment } from './entities/contract-amendment.ts';
import { customer } from './entities/customer.ts';
import { customerAnalysis } from './entities/customer-analysis.ts';
import { customerGroup } from './entities/customer-group.ts';
import { customerRelation } from './entities/customer-relation.ts';
import { customerSegment } from './entities/customer-segment.ts';
import { customerTag } from './entities/customer-tag.ts';
import { externalPolicy } from './entities/external-policy.ts';
import { customFieldDefinition } from './entities/custom-field-definition.ts';
import { feedback } from './entities/feedback.ts';
import { incentivePayout } from './entities/incentive-payout.ts';
import { incentivePolicy } from './entities/incentive-policy.ts';
import { interaction } from './entities/interaction.ts';
import { opportunity } from './entities/opportunity.ts';
import { organisation } from './entities/organisation.ts';
import { pipelineStage } from './entities/pipeline-stage.ts';
import { policy } from './entities/policy.ts';
import { product } from './entities/product.ts';
import { qualification } from './entities/qualification.ts';
import { reportDefinition } from './entities/report-definition.ts';
import { role } from './entities/role.ts';
import { salesPlan } from './entities/sales-plan.ts';
import { salesperson } from './entities/salesperson.ts';
import { signing } from './entities/signing.ts';
import { smsMessage } from './entities/sms-message.ts';
import { smsTemplate } from './entities/sms-template.ts';
import { survey } from './entities/survey.ts';
import { surveyTemplate } from './entities/survey-template.ts';
import { serviceCalendar } from './entities/service-calendar.ts';
import { ticketSla } from './entities/ticket-sla.ts';
import { trainingCourse } from './entities/training-course.ts';
import { trainingEnrolment } from './entities/training-enrolment.ts';
import { trainingPlan } from './entities/training-plan.ts';
import { trainingSession } from './entities/training-session.ts';

/** Every declared entity, in menu order within its group (SPEC §2). */
export const entities: readonly Entity[] = [
  organisation,
  salesperson,
  trainingPlan,
  trainingCourse,
  trainingSession,
  trainingEnrolment,
  qualification,
  customer,
  customerGroup,
  customerTag,
  customerSegment,
  customerRelation,
  externalPolicy,
  consent,
  interaction,
  feedback,
  ticketSla,
  serviceCalendar,
  surveyTemplate,
  survey,
  customerAnalysis,
  product,
  signing,
  policy,
  contract,
  contractAmendment,
  claim,
  opportunity,
  pipelineStage,
  salesPlan,
  incentivePolicy,
  incentivePayout,
  campaign,
  campaignParticipant,
  competitor,
  competitorAnalysis,
  smsTemplate,
  smsMessage,
  reportDefinition,
  account,
  role,
  customFieldDefinition,
];

const byName = new Map(entities.map((entity) => [entity.name, entity]));
const byPlural = new Map(entities.map((entity) => [entity.plural, entity]));

export function getEntity(name: string): Entity {
  const entity = byName.get(name);
  if (!entity) throw new Error(`unknown entity ${name}`);
  return entity;
}

export const findEntityByPlural = (plural: string): Entity | undefined => byPlural.get(plural);
