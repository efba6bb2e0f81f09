import { ApartmentOutlined } from '@ant-design/icons';
import { registerEntityExtension } from '../entity/entity-extensions.ts';
import { ResetPasswordAction } from './accounts/ResetPasswordAction.tsx';
import { OrganisationTree } from './organisations/OrganisationTree.tsx';

registerEntityExtension('account', { rowActions: [ResetPasswordAction] });
registerEntityExtension('organisation', {
  alternateView: { labelKey: 'organisations.treeView', icon: <ApartmentOutlined />, component: OrganisationTree },
});
