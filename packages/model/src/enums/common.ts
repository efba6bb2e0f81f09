import type { EnumOption } from '../field.ts';

export const genders: EnumOption[] = [
  { value: 'male', label: { zh: '男', en: 'Male' } },
  { value: 'female', label: { zh: '女', en: 'Female' } },
];

export const educationLevels: EnumOption[] = [
  { value: 'primary', label: { zh: '小学及以下', en: 'Primary or below' } },
  { value: 'secondary', label: { zh: '初中', en: 'Junior secondary' } },
  { value: 'highSchool', label: { zh: '高中/中专', en: 'High school' } },
  { value: 'college', label: { zh: '大专', en: 'College' } },
  { value: 'bachelor', label: { zh: '本科', en: "Bachelor's" } },
  { value: 'master', label: { zh: '硕士', en: "Master's" } },
  { value: 'doctorate', label: { zh: '博士', en: 'Doctorate' } },
];

export const maritalStatuses: EnumOption[] = [
  { value: 'single', label: { zh: '未婚', en: 'Single' } },
  { value: 'married', label: { zh: '已婚', en: 'Married' } },
  { value: 'divorced', label: { zh: '离异', en: 'Divorced' } },
  { value: 'widowed', label: { zh: '丧偶', en: 'Widowed' } },
];

export const incomeBands: EnumOption[] = [
  { value: 'lt50k', label: { zh: '5万以下', en: 'Under ¥50k' } },
  { value: '50k-100k', label: { zh: '5-10万', en: '¥50k–100k' } },
  { value: '100k-300k', label: { zh: '10-30万', en: '¥100k–300k' } },
  { value: '300k-1m', label: { zh: '30-100万', en: '¥300k–1M' } },
  { value: 'gt1m', label: { zh: '100万以上', en: 'Over ¥1M' } },
];

export const customerSources: EnumOption[] = [
  { value: 'referral', label: { zh: '转介绍', en: 'Referral' } },
  { value: 'walkIn', label: { zh: '自然到访', en: 'Walk-in' } },
  { value: 'phone', label: { zh: '电话营销', en: 'Telemarketing' } },
  { value: 'online', label: { zh: '网络渠道', en: 'Online' } },
  { value: 'event', label: { zh: '活动获客', en: 'Event' } },
  { value: 'bank', label: { zh: '银保渠道', en: 'Bancassurance' } },
  { value: 'other', label: { zh: '其他', en: 'Other' } },
];

export const customerCategories: EnumOption[] = [
  { value: 'individual', label: { zh: '个人', en: 'Individual' }, color: 'blue' },
  { value: 'enterprise', label: { zh: '企业', en: 'Enterprise' }, color: 'purple' },
];

export const dataScopes: EnumOption[] = [
  { value: 'own', label: { zh: '本人', en: 'Own records' } },
  { value: 'org', label: { zh: '本机构及下级', en: 'Own organisation subtree' } },
  { value: 'all', label: { zh: '全部', en: 'All' } },
];

export const orgTypes: EnumOption[] = [
  { value: 'head', label: { zh: '总公司', en: 'Head office' }, color: 'red' },
  { value: 'branch', label: { zh: '分公司', en: 'Branch' }, color: 'blue' },
  { value: 'subBranch', label: { zh: '支公司', en: 'Sub-branch' }, color: 'cyan' },
  { value: 'agency', label: { zh: '营业部/代理机构', en: 'Agency' }, color: 'green' },
  { value: 'department', label: { zh: '部门', en: 'Department' }, color: 'default' },
];

/** Province-level divisions; values are the Chinese names used on maps. */
export const provinces: EnumOption[] = [
  { value: '北京市', label: { zh: '北京市', en: 'Beijing' } },
  { value: '天津市', label: { zh: '天津市', en: 'Tianjin' } },
  { value: '河北省', label: { zh: '河北省', en: 'Hebei' } },
  { value: '山西省', label: { zh: '山西省', en: 'Shanxi' } },
  { value: '内蒙古自治区', label: { zh: '内蒙古自治区', en: 'Inner Mongolia' } },
  { value: '辽宁省', label: { zh: '辽宁省', en: 'Liaoning' } },
  { value: '吉林省', label: { zh: '吉林省', en: 'Jilin' } },
  { value: '黑龙江省', label: { zh: '黑龙江省', en: 'Heilongjiang' } },
  { value: '上海市', label: { zh: '上海市', en: 'Shanghai' } },
  { value: '江苏省', label: { zh: '江苏省', en: 'Jiangsu' } },
  { value: '浙江省', label: { zh: '浙江省', en: 'Zhejiang' } },
  { value: '安徽省', label: { zh: '安徽省', en: 'Anhui' } },
  { value: '福建省', label: { zh: '福建省', en: 'Fujian' } },
  { value: '江西省', label: { zh: '江西省', en: 'Jiangxi' } },
  { value: '山东省', label: { zh: '山东省', en: 'Shandong' } },
  { value: '河南省', label: { zh: '河南省', en: 'Henan' } },
  { value: '湖北省', label: { zh: '湖北省', en: 'Hubei' } },
  { value: '湖南省', label: { zh: '湖南省', en: 'Hunan' } },
  { value: '广东省', label: { zh: '广东省', en: 'Guangdong' } },
  { value: '广西壮族自治区', label: { zh: '广西壮族自治区', en: 'Guangxi' } },
  { value: '海南省', label: { zh: '海南省', en: 'Hainan' } },
  { value: '重庆市', label: { zh: '重庆市', en: 'Chongqing' } },
  { value: '四川省', label: { zh: '四川省', en: 'Sichuan' } },
  { value: '贵州省', label: { zh: '贵州省', en: 'Guizhou' } },
  { value: '云南省', label: { zh: '云南省', en: 'Yunnan' } },
  { value: '西藏自治区', label: { zh: '西藏自治区', en: 'Tibet' } },
  { value: '陕西省', label: { zh: '陕西省', en: 'Shaanxi' } },
  { value: '甘肃省', label: { zh: '甘肃省', en: 'Gansu' } },
  { value: '青海省', label: { zh: '青海省', en: 'Qinghai' } },
  { value: '宁夏回族自治区', label: { zh: '宁夏回族自治区', en: 'Ningxia' } },
  { value: '新疆维吾尔自治区', label: { zh: '新疆维吾尔自治区', en: 'Xinjiang' } },
  { value: '台湾省', label: { zh: '台湾省', en: 'Taiwan' } },
  { value: '香港特别行政区', label: { zh: '香港特别行政区', en: 'Hong Kong' } },
  { value: '澳门特别行政区', label: { zh: '澳门特别行政区', en: 'Macau' } },
];
