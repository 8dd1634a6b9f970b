import { describe, expect, it } from "vitest";
import { PASSWORD_MAX, PASSWORD_MIN, checkPassword } from "./password-policy";

describe("constants", () => {
  it("exposes the length bounds", () => {
    expect(PASSWORD_MIN).toBe(8);
    expect(PASSWORD_MAX).toBe(128);
  });
});

describe("strong passwords", () => {
  const strong = [
    "گل‌های-بهاری-۱۴۰۵",
    "Tr0ub4dor&3x",
    "correct horse battery staple",
    "کوچه‌باغ سبز ما",
    "x7#Kp2!vQz",
    "Hamsaye-Khoob-42",
    "بیست‌ودو بهمن",
    "T3hr@n-V4nak",
  ];
  for (const pw of strong) {
    it(`accepts ${JSON.stringify(pw)}`, () => {
      expect(checkPassword(pw)).toBeNull();
      expect(checkPassword(pw, { phone: "09123456789", displayName: "علی رضایی" })).toBeNull();
    });
  }
});

describe("length", () => {
  it("rejects fewer than 8 code points", () => {
    expect(checkPassword("")).toBe("password_too_short");
    expect(checkPassword("Ab3$x9!")).toBe("password_too_short");
  });
  it("accepts exactly 8 code points", () => {
    expect(checkPassword("Ab3$x9!q")).toBeNull();
  });
  it("counts code points, not UTF-16 units", () => {
    // Four emoji are 8 UTF-16 units but only 4 code points.
    expect("🌷🌷🌼🌻".length).toBe(8);
    expect(checkPassword("🌷🌷🌼🌻")).toBe("password_too_short");
    expect(checkPassword("🌷🌼🌻🌹🌸💐🪻🌺")).toBeNull();
  });
  it("counts Persian letters as one each", () => {
    expect(checkPassword("باغ‌سبز")).toBe("password_too_short"); // 7 code points
    expect(checkPassword("باغ‌سبزم")).toBeNull();
  });
  it("accepts exactly 128 code points and rejects 129", () => {
    const base = "Kx9#mPq2";
    const pw128 = base.repeat(16);
    expect(Array.from(pw128).length).toBe(128);
    expect(checkPassword(pw128)).toBeNull();
    expect(checkPassword(`${pw128}z`)).toBe("password_too_long");
  });
  it("measures the long limit in code points too", () => {
    // 128 distinct-ish astral chars = 256 UTF-16 units, still allowed.
    const astral = Array.from({ length: 128 }, (_, i) => String.fromCodePoint(0x1f300 + i)).join("");
    expect(astral.length).toBe(256);
    expect(checkPassword(astral)).toBeNull();
    expect(checkPassword(`${astral}a`)).toBe("password_too_long");
  });
  it("reports too short before anything else", () => {
    expect(checkPassword("123456")).toBe("password_too_short");
  });
});

describe("common password list", () => {
  const common = [
    "12345678",
    "123456789",
    "1234567890",
    "password",
    "PASSWORD",
    "Password1",
    "qwerty123",
    "iloveyou",
    "1q2w3e4r",
    "11111111",
    "00000000",
    "123123123",
    "abcd1234",
    "passw0rd",
    "P@ssw0rd",
    "football",
    "qwertyuiop",
    "asdfghjkl",
    "1qaz2wsx",
    "zxcvbnm123",
    "letmein123",
    "welcome123",
    "sunshine",
    "princess",
    "iran1234",
    "tehran123",
    "09121234567",
    "ali12345",
    "mohammad",
    "reza1234",
    "zahra123",
    "fatemeh123",
    "hossein123",
    "persepolis",
    "Esteghlal",
    "amirhossein",
    "yaali110",
    "doostetdaram",
    "salam1234",
    "14031403",
  ];
  for (const pw of common) {
    it(`rejects ${pw}`, () => {
      expect(checkPassword(pw)).toBe("password_common");
    });
  }

  it("folds Persian and Arabic-Indic digits before lookup", () => {
    expect(checkPassword("۱۲۳۴۵۶۷۸")).toBe("password_common");
    expect(checkPassword("١٢٣٤٥٦٧٨٩")).toBe("password_common");
    expect(checkPassword("iran۱۲۳۴")).toBe("password_common");
    expect(checkPassword("۰۹۱۲۱۲۳۴۵۶۷")).toBe("password_common");
  });

  it("rejects Persian words typed in Persian script", () => {
    expect(checkPassword("دوستتدارم")).toBe("password_common");
    expect(checkPassword("رمز عبور")).toBe("password_common");
    expect(checkPassword("پرسپولیس")).toBe("password_common");
    expect(checkPassword("زن زندگی آزادی")).toBe("password_common");
  });

  it("folds Arabic letter variants in Persian entries", () => {
    // Arabic kaf/yeh, as typed on some Arabic keyboards.
    expect(checkPassword("دوستتدارم")).toBe(checkPassword("دوستتدارم".replace(/ی/g, "ي")));
    expect(checkPassword("خدایاشکرت".replace(/ی/g, "ي").replace(/ک/g, "ك"))).toBe("password_common");
  });

  it("rejects common passwords typed with the wrong keyboard layout", () => {
    // "password" and "qwertyui" with the Persian layout active
    expect(checkPassword("حشسسصخقی")).toBe("password_common");
    expect(checkPassword("ضصثقفغعه")).toBe("password_common");
    // "دوستتدارم" with the Latin layout active
    expect(checkPassword("n,sjjnhvl")).toBe("password_common");
  });

  it("ignores surrounding whitespace and invisible characters", () => {
    expect(checkPassword(" password ")).toBe("password_common");
    expect(checkPassword("pass\u200Bword")).toBe("password_common");
  });

  it("only rejects exact matches, not passwords containing a common word", () => {
    expect(checkPassword("password-for-my-council-2025")).toBeNull();
    expect(checkPassword("mohammad likes green tea")).toBeNull();
  });
});

describe("repeated characters", () => {
  it("rejects a single repeated character", () => {
    expect(checkPassword("aaaaaaaa")).toBe("password_common");
    expect(checkPassword("ZZZZZZZZZZ")).toBe("password_common");
    expect(checkPassword("!!!!!!!!")).toBe("password_common");
    expect(checkPassword("۷۷۷۷۷۷۷۷۷")).toBe("password_common");
    expect(checkPassword("سسسسسسسس")).toBe("password_common");
    expect(checkPassword("🙂🙂🙂🙂🙂🙂🙂🙂")).toBe("password_common");
  });
  it("rejects short repeated units", () => {
    expect(checkPassword("abababab")).toBe("password_common");
    expect(checkPassword("xyzxyzxyz")).toBe("password_common");
    expect(checkPassword("۱۲۱۲۱۲۱۲")).toBe("password_common");
  });
  it("accepts repetition of a longer unit with variety", () => {
    expect(checkPassword("k9#Lk9#Lk9#L")).toBeNull();
  });
});

describe("sequences", () => {
  const sequences = [
    "23456789",
    "87654321",
    "0123456789",
    "9876543210",
    "34567890",
    "21098765",
    "abcdefgh",
    "hgfedcba",
    "ABCDEFGHIJ",
    "mnopqrstu",
    "zyxwvuts",
    "۳۴۵۶۷۸۹۰",
  ];
  for (const pw of sequences) {
    it(`rejects ${pw}`, () => {
      expect(checkPassword(pw)).toBe("password_common");
    });
  }
  it("accepts broken or mixed runs", () => {
    expect(checkPassword("13579135")).toBeNull();
    expect(checkPassword("abcdefgh1")).toBeNull();
    expect(checkPassword("abcdwxyz")).toBeNull();
    expect(checkPassword("12345687")).toBeNull();
  });
});

describe("phone number", () => {
  const phone = "+989351112233";
  const forms = ["09351112233", "+989351112233", "989351112233", "00989351112233", "9351112233", "۰۹۳۵۱۱۱۲۲۳۳", "0935 111 2233"];
  for (const pw of forms) {
    it(`rejects the user's phone as ${pw}`, () => {
      expect(checkPassword(pw, { phone })).toBe("password_common");
    });
  }
  it("works whatever form the context phone is in", () => {
    expect(checkPassword("+989351112233", { phone: "۰۹۳۵۱۱۱۲۲۳۳" })).toBe("password_common");
    expect(checkPassword("9351112233", { phone: "0935-111-2233" })).toBe("password_common");
  });
  it("accepts someone else's number", () => {
    expect(checkPassword("09351112234", { phone })).toBeNull();
  });
  it("accepts the same number without phone context", () => {
    expect(checkPassword("09351112233")).toBeNull();
  });
  it("ignores null or empty phone context", () => {
    expect(checkPassword("Tr0ub4dor&3x", { phone: null })).toBeNull();
    expect(checkPassword("Tr0ub4dor&3x", { phone: "" })).toBeNull();
  });
  it("still compares digits when the stored phone is not a mobile number", () => {
    expect(checkPassword("02188776655", { phone: "021 8877 6655" })).toBe("password_common");
  });
});

describe("display name", () => {
  it("rejects the display name, case-insensitively", () => {
    expect(checkPassword("Ali Rezaei", { displayName: "ali rezaei" })).toBe("password_common");
    expect(checkPassword("ALIREZAEI", { displayName: "Ali Rezaei" })).toBe("password_common");
  });
  it("compares after normalization", () => {
    const ctx = { displayName: "علی رضایی" };
    expect(checkPassword("علي  رضايي", ctx)).toBe("password_common");
    expect(checkPassword("علی\u202Eرضایی", ctx)).toBe("password_common");
    expect(checkPassword(" علی رضایی ", ctx)).toBe("password_common");
    expect(checkPassword("علی‌رضایی", ctx)).toBe("password_common");
  });
  it("accepts a password that merely contains the name", () => {
    expect(checkPassword("Ali Rezaei loves tea", { displayName: "Ali Rezaei" })).toBeNull();
  });
  it("ignores empty or null names", () => {
    expect(checkPassword("Tr0ub4dor&3x", { displayName: "" })).toBeNull();
    expect(checkPassword("Tr0ub4dor&3x", { displayName: "   " })).toBeNull();
    expect(checkPassword("Tr0ub4dor&3x", { displayName: null })).toBeNull();
  });
});
