/**
 * How carriers count an SMS: GSM 03.38 7-bit (160 characters alone, 153 per part of a longer text,
 * a character of the extension table counting two) when every character is in the GSM tables,
 * else UCS-2 (70 alone, 67 per part, a character outside the Basic Multilingual Plane, such as an
 * emoji, counting two).
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';
const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsCount {
  encoding: SmsEncoding;
  /** Code units as the carrier counts them (septets for GSM-7, 16-bit units for UCS-2). */
  units: number;
  segments: number;
}

/** True when `char` (one code point) forces the whole text into UCS-2. */
export function forcesUcs2(char: string): boolean {
  return !BASIC.has(char) && !EXTENSION.has(char);
}

export function isGsm7(text: string): boolean {
  for (const char of text) if (forcesUcs2(char)) return false;
  return true;
}

/** The encoding, length in units and number of segments of `text`. */
export function countSms(text: string): SmsCount {
  if (isGsm7(text)) {
    let units = 0;
    for (const char of text) units += EXTENSION.has(char) ? 2 : 1;
    return { encoding: 'GSM-7', units, segments: units === 0 ? 1 : units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  // String length is UTF-16 code units: a surrogate pair (emoji, rare scripts) counts two, as in UCS-2/UTF-16.
  const units = text.length;
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/**
 * Characters that look alike but push a Danish or English text into UCS-2 (half the length per SMS):
 * typographic quotes, dashes, ellipsis, non-breaking and thin spaces, bullets. Replaced by their GSM-7
 * look-alikes; every other character stays as it is.
 */
const LOOK_ALIKES: [RegExp, string][] = [
  [/[\u2018\u2019\u201a\u201b\u2032\u00b4`]/g, "'"],
  [/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"'],
  [/[\u2010-\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
  [/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' '],
  [/[\u200b-\u200d\u2060\ufeff]/g, ''],
  [/[\u2022\u00b7\u2023\u25cf]/g, '-'],
  [/\t/g, ' '],
];

export function gsmLookAlikes(text: string): string {
  let out = text;
  for (const [pattern, replacement] of LOOK_ALIKES) out = out.replace(pattern, replacement);
  return out;
}
