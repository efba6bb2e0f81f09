import {
  ApartmentOutlined,
  AppstoreOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  CalendarOutlined,
  ContactsOutlined,
  CustomerServiceOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  FileProtectOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  FundOutlined,
  GiftOutlined,
  IdcardOutlined,
  KeyOutlined,
  LoginOutlined,
  MessageOutlined,
  NotificationOutlined,
  ProfileOutlined,
  ReadOutlined,
  RiseOutlined,
  SafetyCertificateOutlined,
  SettingOutlined,
  ShopOutlined,
  SolutionOutlined,
  TagsOutlined,
  TeamOutlined,
  TrophyOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { MenuGroup } from '@insure/model/entity';
import type { ReactNode } from 'react';

/** The icons declarations may name (EntityDeclaration.icon); anything else falls back to a generic icon. */
const icons: Record<string, ReactNode> = {
  ApartmentOutlined: <ApartmentOutlined />,
  AppstoreOutlined: <AppstoreOutlined />,
  AuditOutlined: <AuditOutlined />,
  BankOutlined: <BankOutlined />,
  BarChartOutlined: <BarChartOutlined />,
  CalendarOutlined: <CalendarOutlined />,
  ContactsOutlined: <ContactsOutlined />,
  CustomerServiceOutlined: <CustomerServiceOutlined />,
  DashboardOutlined: <DashboardOutlined />,
  DatabaseOutlined: <DatabaseOutlined />,
  FileProtectOutlined: <FileProtectOutlined />,
  FileSearchOutlined: <FileSearchOutlined />,
  FileTextOutlined: <FileTextOutlined />,
  FundOutlined: <FundOutlined />,
  GiftOutlined: <GiftOutlined />,
  IdcardOutlined: <IdcardOutlined />,
  KeyOutlined: <KeyOutlined />,
  LoginOutlined: <LoginOutlined />,
  MessageOutlined: <MessageOutlined />,
  NotificationOutlined: <NotificationOutlined />,
  ProfileOutlined: <ProfileOutlined />,
  ReadOutlined: <ReadOutlined />,
  RiseOutlined: <RiseOutlined />,
  SafetyCertificateOutlined: <SafetyCertificateOutlined />,
  SettingOutlined: <SettingOutlined />,
  ShopOutlined: <ShopOutlined />,
  SolutionOutlined: <SolutionOutlined />,
  TagsOutlined: <TagsOutlined />,
  TeamOutlined: <TeamOutlined />,
  TrophyOutlined: <TrophyOutlined />,
  UserOutlined: <UserOutlined />,
};

/** Icons for the declared entities that do not name one yet. */
const entityDefaults: Record<string, string> = {
  organisation: 'ApartmentOutlined',
  salesperson: 'TeamOutlined',
  customer: 'UserOutlined',
  account: 'IdcardOutlined',
  role: 'SafetyCertificateOutlined',
};

const groupIcons: Record<MenuGroup, string> = {
  org: 'ApartmentOutlined',
  customers: 'ContactsOutlined',
  insurance: 'FileProtectOutlined',
  sales: 'RiseOutlined',
  admin: 'SettingOutlined',
};

export const iconFor = (name: string | undefined, module?: string): ReactNode =>
  icons[name ?? entityDefaults[module ?? ''] ?? ''] ?? <AppstoreOutlined />;

export const groupIcon = (group: MenuGroup): ReactNode => icons[groupIcons[group]];

export const workbenchIcon = <DashboardOutlined />;
