import { ApartmentOutlined } from '@ant-design/icons';
import { registerEntityExtension } from '../entity/entity-extensions.ts';
import { ResetPasswordAction } from './accounts/ResetPasswordAction.tsx';
import { Customer360Action } from './customers/Customer360Action.tsx';
import { RenewRowAction } from './insurance/RenewRowAction.tsx';
import { OrganisationTree } from './organisations/OrganisationTree.tsx';

registerEntityExtension('account', { rowActions: [ResetPasswordAction] });
registerEntityExtension('organisation', {
  alternateView: { labelKey: 'organisations.treeView', icon: <ApartmentOutlined />, component: OrganisationTree },
});
registerEntityExtension('customer', { rowActions: [Customer360Action] });
registerEntityExtension('policy', { rowActions: [RenewRowAction] });
registerEntityExtension('claim', {
  transitionDefaults: {
    // the handler usually approves what was asked for and pays what was approved
    approve: (row) => ({ approvedAmount: row.requestedAmount }),
    pay: (row) => ({ paidAmount: row.approvedAmount }),
  },
});
