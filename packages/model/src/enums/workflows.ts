import type { Workflow } from '../entity.ts';

export const signingWorkflow: Workflow = {
  initial: 'draft',
  transitions: [
    { action: 'submit', label: { zh: '提交', en: 'Submit' }, from: ['draft'], to: 'submitted', permission: 'edit' },
    { action: 'withdraw', label: { zh: '撤回', en: 'Withdraw' }, from: ['submitted'], to: 'draft', permission: 'edit' },
    { action: 'underwrite', label: { zh: '开始核保', en: 'Start underwriting' }, from: ['submitted'], to: 'underwriting', permission: 'approve' },
    { action: 'approve', label: { zh: '核保通过并出单', en: 'Approve and issue' }, from: ['underwriting'], to: 'approved', permission: 'approve' },
    { action: 'decline', label: { zh: '拒保', en: 'Decline' }, from: ['underwriting'], to: 'declined', permission: 'approve', requiresNote: true, danger: true },
    { action: 'issue', label: { zh: '出单', en: 'Issue' }, from: ['approved'], to: 'issued', permission: 'approve' },
  ],
};

export const policyWorkflow: Workflow = {
  initial: 'pending',
  transitions: [
    { action: 'activate', label: { zh: '生效', en: 'Put in force' }, from: ['pending'], to: 'inForce', permission: 'approve' },
    { action: 'reinstate', label: { zh: '复效', en: 'Reinstate' }, from: ['lapsed'], to: 'inForce', permission: 'approve', requiresNote: true },
    { action: 'surrender', label: { zh: '退保', en: 'Surrender' }, from: ['inForce'], to: 'surrendered', permission: 'approve', requiresNote: true, danger: true },
    { action: 'cancel', label: { zh: '注销', en: 'Cancel' }, from: ['pending', 'inForce'], to: 'cancelled', permission: 'approve', requiresNote: true, danger: true },
  ],
};

export const claimWorkflow: Workflow = {
  initial: 'reported',
  transitions: [
    { action: 'accept', label: { zh: '受理', en: 'Accept' }, from: ['reported'], to: 'accepted', permission: 'edit', fields: ['handlerId'] },
    { action: 'investigate', label: { zh: '开始调查', en: 'Investigate' }, from: ['accepted'], to: 'investigating', permission: 'edit' },
    { action: 'approve', label: { zh: '核赔通过', en: 'Approve' }, from: ['accepted', 'investigating'], to: 'approved', permission: 'approve', fields: ['approvedAmount', 'overrideReason'], requires: ['approvedAmount'] },
    { action: 'reject', label: { zh: '拒赔', en: 'Reject' }, from: ['accepted', 'investigating'], to: 'rejected', permission: 'approve', requiresNote: true, danger: true },
    { action: 'pay', label: { zh: '赔付', en: 'Pay' }, from: ['approved'], to: 'paid', permission: 'approve', fields: ['paidAmount'], requires: ['paidAmount'] },
    { action: 'close', label: { zh: '结案', en: 'Close' }, from: ['paid', 'rejected'], to: 'closed', permission: 'edit', fields: ['rating'] },
    { action: 'reopen', label: { zh: '重新调查', en: 'Reopen' }, from: ['rejected'], to: 'investigating', permission: 'approve', requiresNote: true },
  ],
};

export const ticketWorkflow: Workflow = {
  initial: 'new',
  transitions: [
    // To an agent, a team, or both; the server requires at least one.
    { action: 'assign', label: { zh: '分派', en: 'Assign' }, from: ['new', 'assigned'], to: 'assigned', permission: 'edit', fields: ['assigneeId', 'teamId'] },
    { action: 'start', label: { zh: '开始处理', en: 'Start' }, from: ['assigned'], to: 'inProgress', permission: 'edit', fields: ['assigneeId'] },
    { action: 'resolve', label: { zh: '解决', en: 'Resolve' }, from: ['inProgress'], to: 'resolved', permission: 'edit', fields: ['handlingResult'], requires: ['handlingResult'] },
    { action: 'close', label: { zh: '关闭', en: 'Close' }, from: ['resolved'], to: 'closed', permission: 'edit', fields: ['satisfaction', 'suggestions'] },
    { action: 'reopen', label: { zh: '重新打开', en: 'Reopen' }, from: ['resolved', 'closed'], to: 'inProgress', permission: 'edit', requiresNote: true },
  ],
};
