/** Deterministic fake people for demo and benchmark data (seeded PRNG: the same seed gives the same data). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const surnames = Array.from('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤');
const givenChars = Array.from('伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉鹏飞宇浩然欣怡子涵梓轩雨桐一诺思远晨阳佳琪俊杰嘉怡博文天佑若曦婷婷晓东海燕春梅丹丹雪梅凤英德明永强家豪');
export const cities: Record<string, string[]> = {
  北京市: ['北京'],
  上海市: ['上海'],
  广东省: ['广州', '深圳', '东莞', '佛山', '珠海'],
  浙江省: ['杭州', '宁波', '温州', '绍兴'],
  江苏省: ['南京', '苏州', '无锡', '常州'],
  四川省: ['成都', '绵阳', '宜宾'],
  山东省: ['济南', '青岛', '烟台'],
  湖北省: ['武汉', '宜昌', '襄阳'],
  河南省: ['郑州', '洛阳'],
  福建省: ['福州', '厦门', '泉州'],
};
const provinceCodes: Record<string, string> = {
  北京市: '110101', 上海市: '310101', 广东省: '440106', 浙江省: '330106', 江苏省: '320102',
  四川省: '510104', 山东省: '370102', 湖北省: '420102', 河南省: '410102', 福建省: '350102',
};
export const occupations = ['教师', '医生', '工程师', '会计', '销售', '公务员', '企业主', '自由职业', '司机', '建筑工人', '护士', '律师', '程序员', '厨师', '退休人员'];
const employers = ['华为技术有限公司', '中国建设银行', '市第一人民医院', '实验中学', '腾讯科技', '个体经营', '国家电网', '中铁建设', '美的集团', '本地商贸公司'];

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

export function chineseName(random: () => number): string {
  const given = random() < 0.4 ? pick(random, givenChars) : pick(random, givenChars) + pick(random, givenChars);
  return pick(random, surnames) + given;
}

/** A GB 11643-valid ID number for a birth date and region. */
export function idNumber(random: () => number, birth: string, regionCode: string, male: boolean): string {
  const sequence = String(Math.floor(random() * 50) * 2 + (male ? 1 : 0)).padStart(3, '0');
  const body = `${regionCode}${birth.replace(/-/g, '')}${sequence}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
  return body + '10X98765432'[sum % 11];
}

export function mobile(random: () => number): string {
  const prefixes = ['130', '131', '135', '136', '137', '138', '139', '150', '151', '158', '159', '176', '177', '186', '187', '188', '189'];
  return pick(random, prefixes) + String(Math.floor(random() * 1e8)).padStart(8, '0');
}

export function birthDate(random: () => number, minAge: number, maxAge: number, today = new Date('2026-11-01')): string {
  const age = minAge + random() * (maxAge - minAge);
  const date = new Date(today.getTime() - age * 365.25 * 86400000);
  return date.toISOString().slice(0, 10);
}

export interface FakePerson {
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  idNumber: string;
  phone: string;
  province: string;
  city: string;
  homeAddress: string;
  occupation: string;
  employer: string;
}

export function fakePerson(random: () => number, minAge = 18, maxAge = 75): FakePerson {
  const gender = random() < 0.5 ? 'male' : 'female';
  const province = pick(random, Object.keys(cities));
  const city = pick(random, cities[province]!);
  const birth = birthDate(random, minAge, maxAge);
  return {
    name: chineseName(random),
    gender,
    birthDate: birth,
    idNumber: idNumber(random, birth, provinceCodes[province]!, gender === 'male'),
    phone: mobile(random),
    province,
    city,
    homeAddress: `${province}${city}市${pick(random, ['人民路', '中山路', '解放路', '建设路', '和平路', '长江路'])}${1 + Math.floor(random() * 300)}号`,
    occupation: pick(random, occupations),
    employer: pick(random, employers),
  };
}

const regionCodes = Object.values({ a: '110101', b: '310101', c: '440106', d: '330106', e: '320102', f: '510104', g: '370102', h: '420102', i: '410102', j: '350102' });

/**
 * A person whose ID number is unique by construction for n below 100 million (day of birth, region and
 * sequence are digits of n), for bulk data where random ID numbers would collide.
 */
export function uniquePerson(random: () => number, n: number, minAge = 18, maxAge = 75): FakePerson {
  const person = fakePerson(random, minAge, maxAge);
  const span = Math.floor((maxAge - minAge) * 365);
  const dayIndex = n % span;
  const region = regionCodes[Math.floor(n / span) % regionCodes.length]!;
  const sequenceBase = Math.floor(n / (span * regionCodes.length));
  const birth = new Date(Date.UTC(2026, 10, 1) - (minAge * 365 + dayIndex) * 86_400_000).toISOString().slice(0, 10);
  const sequence = String((sequenceBase % 500) * 2 + (person.gender === 'male' ? 1 : 0)).padStart(3, '0');
  const body = `${region}${birth.replace(/-/g, '')}${sequence}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
  return { ...person, birthDate: birth, idNumber: body + '10X98765432'[sum % 11] };
}
