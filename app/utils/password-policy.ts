// Password rules shared by the sign-up form (client) and the server.
import { foldDigits, normalizePhone, normalizeText, searchKey } from './persian';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export type PasswordError = 'password_too_short' | 'password_too_long' | 'password_common';

export interface PasswordContext {
  phone?: string | null;
  displayName?: string | null;
}

// Passwords seen over and over in public breach statistics and in what local
// users tend to pick. Entries shorter than PASSWORD_MIN are harmless; they are
// kept so the list stays useful if the minimum ever changes.
const COMMON_LIST: readonly string[] = [
  // digit patterns
  '123456', '1234567', '12345678', '123456789', '1234567890', '0123456789',
  '123123', '123123123', '123321', '12344321', '1234554321', '123454321',
  '123456654321', '1234512345', '12341234', '12121212', '11223344', '112233',
  '11112222', '11221122', '121212', '131313', '696969', '654321', '87654321',
  '987654321', '9876543210', '147258369', '159753', '15975346', '741852963',
  '963852741', '123654789', '147852369', '789456123', '456789123', '321654987',
  '258258258', '852456', '111111', '11111111', '000000', '00000000',
  '0000000000', '1111111111', '22222222', '55555555', '66666666', '77777777',
  '88888888', '99999999', '666666', '888888', '7777777', '12qwaszx', '1q2w3e',
  '110110', '313313', '110110110', '313313313', '14141414', '12301230',
  // years and dates
  '19701970', '19801980', '19851985', '19901990', '19951995', '20002000',
  '20102010', '20202020', '20232023', '20242024', '20252025', '20262026',
  '13601360', '13651365', '13701370', '13751375', '13801380', '13851385',
  '13901390', '14001400', '14021402', '14031403', '14041404', '14051405',
  '01011370', '13700101', '13800101', '19900101', '20000101',
  // English words and variants
  'password', 'password1', 'password12', 'password123', 'password1234',
  'password!', 'password2023', 'password2024', 'password2025', 'passw0rd',
  'p@ssw0rd', 'p@ssword', 'pa$$word', 'passwort', 'mypassword', 'thepassword',
  'pass1234', 'pass12345', 'pass123456', 'passpass', 'letmein', 'letmein1',
  'letmein123', 'welcome', 'welcome1', 'welcome123', 'welcome2024', 'admin',
  'admin123', 'admin1234', 'admin12345', 'administrator', 'root1234',
  'toor1234', 'changeme', 'changeme123', 'default', 'secret', 'secret123',
  'trustno1', 'iloveyou', 'iloveyou1', 'iloveyou2', 'iloveyou123', 'loveyou',
  'lovelove', 'loveme123', 'princess', 'princess1', 'sunshine', 'sunshine1',
  'shadow', 'shadow123', 'master', 'master123', 'master12', 'superman',
  'batman', 'batman123', 'spiderman', 'starwars', 'pokemon', 'football',
  'football1', 'baseball', 'basketball', 'soccer123', 'hockey', 'monkey',
  'monkey123', 'dragon', 'dragon123', 'jordan23', 'michael', 'jennifer',
  'charlie', 'freedom', 'whatever', 'computer', 'internet', 'samsung',
  'samsung123', 'iphone', 'google', 'google123', 'facebook', 'whatsapp',
  'instagram', 'telegram', 'microsoft', 'nintendo', 'playstation',
  'minecraft', 'fortnite', 'killer', 'hunter2', 'hello123', 'hellohello',
  'helloworld', 'test1234', 'testtest', 'test123', 'guest123', 'user1234',
  'login123', 'access14', 'azerty', 'azerty123', 'nothing', 'blink182',
  'liverpool', 'chelsea', 'arsenal', 'barcelona', 'realmadrid', 'manchester',
  'ronaldo7', 'cristiano', 'messi10', 'mustang', 'harley', 'ferrari',
  'mercedes', 'porsche', 'corvette', 'matrix', 'maverick', 'summer2024',
  'winter2024', 'qwerty123!', 'abc123!@#', 'password@123', 'admin@123',
  // keyboard walks
  'qwerty', 'qwerty1', 'qwerty12', 'qwerty123', 'qwerty1234', 'qwertyu',
  'qwertyui', 'qwertyuiop', 'asdfgh', 'asdfghjk', 'asdfghjkl', 'asdf1234',
  'asdfasdf', 'zxcvbn', 'zxcvbnm', 'zxcvbnm1', 'zxcvbnm123', '1qaz2wsx',
  '1qaz2wsx3edc', 'qazwsx', 'qazwsxedc', 'qazwsx123', '1q2w3e4r',
  '1q2w3e4r5t', '1q2w3e4r5t6y', 'q1w2e3r4', 'q1w2e3r4t5', '1qazxsw2',
  'zaq12wsx', 'zaq1zaq1', '!qaz2wsx', '!qaz@wsx', 'qweasd', 'qweasdzxc',
  'qweasd123', '123qwe', '123qweasd', '123qweasdzxc', 'qwe123', 'qwe12345',
  'qwer1234', '1234qwer', 'zxcv1234', 'qwerasdf', 'qwaszx12', 'poiuytrewq',
  'lkjhgfdsa', 'mnbvcxz', '!@#$%^&*', '!@#$%^&*()', '1234!@#$', '1qaz!qaz',
  // letter/digit mixes
  'abc123', 'abc12345', 'abc123456', 'abcd1234', 'abcde12345', 'a1b2c3d4',
  'a1b2c3d4e5', 'aa123456', 'aaa111', 'aaa11111', '1234abcd', '123abc',
  'abcdefg', 'abcdefgh', 'a12345678', 'a123456789', 'q12345678', 'z12345678',
  // Iranian places, teams and identity
  'iran', 'iran123', 'iran1234', 'iran12345', 'iran123456', 'iran1400',
  'iran1401', 'iran1402', 'iran1403', 'iran1404', 'iran1405', 'iloveiran',
  'iranian', 'iranian123', 'persia', 'persian', 'persian123', 'tehran',
  'tehran123', 'tehran1234', 'tehran12345', 'isfahan', 'isfahan123',
  'esfahan', 'esfahan123', 'shiraz', 'shiraz123', 'tabriz', 'tabriz123',
  'mashhad', 'mashhad123', 'karaj123', 'qom12345', 'ahvaz123', 'kerman123',
  'rasht123', 'persepolis', 'persepolis1', 'persepolis123', 'perspolis',
  'perspolis123', 'perspolice', 'esteghlal', 'esteghlal1', 'esteghlal123',
  'estghlal', 'sepahan', 'tractor', 'tractorsazi',
  // Iranian given names
  'ali123', 'ali1234', 'ali12345', 'ali123456', 'alireza', 'alireza123',
  'alireza1234', 'mohammad', 'mohammad1', 'mohammad123', 'mohammad1234',
  'mohamad', 'mohamad123', 'mohammadreza', 'mohammadali', 'mohammadhossein',
  'mamad123', 'reza1234', 'reza12345', 'reza123456', 'zahra', 'zahra123',
  'zahra1234', 'fatemeh', 'fatemeh123', 'fatemeh1234', 'fateme', 'fatima',
  'hossein', 'hossein123', 'hosein', 'hosein123', 'hasan123', 'hassan123',
  'hassan1234', 'mahdi', 'mahdi123', 'mahdi1234', 'mehdi123', 'mehdi1234',
  'amir1234', 'amir12345', 'amir123456', 'amirali', 'amirhossein',
  'amirhosein', 'amirreza', 'sara1234', 'sara12345', 'maryam', 'maryam123',
  'maryam1234', 'narges123', 'zeinab123', 'masoud123', 'saeed123',
  'saeid123', 'majid123', 'hamid123', 'hamed123', 'javad123', 'ahmad123',
  'mostafa', 'mostafa123', 'morteza', 'morteza123', 'mojtaba', 'mojtaba123',
  'mohsen123', 'abbas123', 'hadi1234', 'yasin123', 'parsa123', 'parsa1234',
  'arian123', 'arian1234', 'arman123', 'nima1234', 'sina1234', 'arash123',
  'babak123', 'behnam123', 'farhad123', 'kourosh', 'koorosh', 'dariush',
  'cyrus123', 'rostam', 'sohrab', 'shahram', 'negin123', 'niloofar',
  'nilufar', 'nazanin', 'nazanin123', 'setareh', 'shabnam', 'golnaz',
  'mahsa123', 'mina1234', 'elham123', 'somayeh', 'leila123', 'mahnaz',
  // Finglish phrases
  'yaali', 'yaali110', 'yaali313', 'yahossein', 'yahosein', 'yazahra',
  'yamahdi', 'yamahdi313', 'yaabbas', 'yaabolfazl', 'salam', 'salam123',
  'salam1234', 'salamsalam', 'khoda', 'khodaya', 'khodaa', 'bahar123',
  'eshgh', 'eshgham', 'eshghman', 'asheghtam', 'doostetdaram', 'doosetdaram',
  'dustetdaram', 'ghalbam', 'azizam', 'azizam123', 'omidam', 'golbahar',
  'khoshgel', 'ramz1234', 'ramzeobor', 'ramzobur', 'ramzeman', 'zendegi',
  'zendegim', 'nafasam', 'fereshteh', 'maman123', 'baba1234', 'mahalleh',
  'mahale123', 'shora123',
  // phone-number shaped
  '09121234567', '09123456789', '09120000000', '09121111111', '09123333333',
  '09129999999', '09350000000', '09351234567', '09361234567', '09191234567',
  '09101234567', '09301234567', '09901234567', '09111111111', '09999999999',
  '0912345678', '02112345678', '02100000000', '09120912091',
  // Persian script
  'رمزعبور', 'رمز عبور', 'رمزعبور۱۲۳', 'رمز۱۲۳۴۵۶', 'پسورد', 'پسورد۱۲۳',
  'دوستتدارم', 'دوستت دارم', 'عاشقتم', 'عشق من', 'عشقمن', 'عشقم۱۲۳',
  'عزیزم', 'عزیزم۱۲۳', 'سلام', 'سلام۱۲۳', 'سلامسلام', 'سلام سلام', 'خدایا',
  'خداجون', 'خدایاشکرت', 'یاعلی', 'یا علی', 'یاعلی۱۱۰', 'یاحسین', 'یا حسین',
  'یازهرا', 'یامهدی', 'یاابوالفضل', 'یا علی مدد', 'بسم الله', 'بسم‌الله',
  'ایران', 'ایران۱۲۳۴', 'ایرانم', 'ایران من', 'تهران', 'تهران۱۲۳',
  'محمد', 'محمد۱۲۳', 'علی', 'علی۱۲۳۴', 'علیرضا', 'فاطمه', 'زهرا', 'حسین',
  'رضا', 'مهدی', 'امیرحسین', 'محمدرضا', 'مریم', 'پرسپولیس', 'استقلال',
  'پرسپولیس۱۲۳', 'قلبم', 'زندگی', 'زندگیم', 'نفسم', 'فرشته', 'مامانم',
  'خانواده', 'آرامش', 'آزادی', 'زن زندگی آزادی', 'نازنین', 'شورایاری',
];

// Persian standard keyboard: the Latin key under each Persian letter.
// Used to catch passwords typed with the wrong layout active.
const LATIN_TO_PERSIAN: Record<string, string> = {
  q: 'ض', w: 'ص', e: 'ث', r: 'ق', t: 'ف', y: 'غ', u: 'ع', i: 'ه', o: 'خ',
  p: 'ح', '[': 'ج', ']': 'چ', a: 'ش', s: 'س', d: 'ی', f: 'ب', g: 'ل',
  h: 'ا', j: 'ت', k: 'ن', l: 'م', ';': 'ک', "'": 'گ', z: 'ظ', x: 'ط',
  c: 'ز', v: 'ر', b: 'ذ', n: 'د', m: 'پ', ',': 'و',
};
const PERSIAN_TO_LATIN: Record<string, string> = Object.fromEntries(
  Object.entries(LATIN_TO_PERSIAN).map(([latin, persian]) => [persian, latin]),
);

function retype(s: string, table: Record<string, string>): string | null {
  let out = '';
  let changed = false;
  for (const ch of s) {
    const mapped = table[ch];
    if (mapped !== undefined) changed = true;
    out += mapped ?? ch;
  }
  return changed ? out : null;
}

function passwordKey(password: string): string {
  return foldDigits(normalizeText(password)).toLowerCase();
}

const COMMON = new Set<string>();
for (const entry of COMMON_LIST) {
  const key = passwordKey(entry);
  COMMON.add(key);
  const hasLatin = /[a-z]/.test(key);
  const alt = retype(key, hasLatin ? LATIN_TO_PERSIAN : PERSIAN_TO_LATIN);
  if (alt) COMMON.add(passwordKey(alt));
}

function codePoints(s: string): string[] {
  return Array.from(s);
}

// One character, or a unit of up to three repeated ("abababab", "123123123").
function isRepetition(key: string): boolean {
  return /^(.{1,3})\1+$/su.test(key);
}

function isSequence(key: string): boolean {
  const chars = codePoints(key);
  if (chars.length < 3) return false;
  const digits = /^[0-9]+$/.test(key);
  if (!digits && !/^[a-z]+$/.test(key)) return false;
  const codes = chars.map((c) => c.charCodeAt(0));
  for (const step of [1, -1]) {
    let ok = true;
    for (let i = 1; i < codes.length && ok; i++) {
      const diff = codes[i] - codes[i - 1];
      // Digits wrap: "1234567890" and "0987654321" are single runs too.
      ok = diff === step || (digits && diff === -9 * step);
    }
    if (ok) return true;
  }
  return false;
}

function matchesPhone(password: string, key: string, phone: string): boolean {
  const canonical = normalizePhone(phone);
  if (canonical) return normalizePhone(password) === canonical;
  const raw = passwordKey(phone).replace(/[\s\-.()+]/g, '');
  return raw.length > 0 && key.replace(/[\s\-.()+]/g, '') === raw;
}

function matchesName(password: string, name: string): boolean {
  const nameKey = searchKey(name);
  if (!nameKey) return false;
  const pwKey = searchKey(password);
  return pwKey === nameKey || pwKey.replace(/ /g, '') === nameKey.replace(/ /g, '');
}

/**
 * Returns the first rule the password breaks, or null when it is acceptable.
 * Length is measured in code points so Persian and emoji count fairly.
 */
export function checkPassword(
  password: string,
  context: PasswordContext = {},
): null | PasswordError {
  const length = codePoints(password).length;
  if (length < PASSWORD_MIN) return 'password_too_short';
  if (length > PASSWORD_MAX) return 'password_too_long';

  const key = passwordKey(password);
  if (COMMON.has(key) || isRepetition(key) || isSequence(key)) return 'password_common';
  if (context.phone && matchesPhone(password, key, context.phone)) return 'password_common';
  if (context.displayName && matchesName(password, context.displayName)) {
    return 'password_common';
  }
  return null;
}
