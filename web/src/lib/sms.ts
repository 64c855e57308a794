/**
 * SMS segment counting, as carriers bill it.
 *
 * A text that uses only the GSM 03.38 alphabet travels as 7-bit GSM: 160
 * characters in one SMS, or 153 per part once it is split (each part carries a
 * header). Characters of the GSM extension table ({ } [ ] ~ \ | ^ € and form
 * feed) take two of those places. Anything else (an emoji, a curly quote, most
 * non-Latin scripts) turns the whole text into UCS-2: 70 UTF-16 code units in
 * one SMS, 67 per part. A part never ends in the middle of an extension
 * character or a surrogate pair, which is why long texts can need one part more
 * than plain division says.
 */

/** SMS_MAX_CHARS is the longest body the server accepts (characters, as the server counts them: code points). */
export const SMS_MAX_CHARS = 1600;

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '\f^{}\\[~]|€';

const basic = new Set(GSM_BASIC);
const extended = new Set(GSM_EXTENDED);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** SmsCount describes how a body will be sent. */
export interface SmsCount {
  encoding: SmsEncoding;
  /** Characters (Unicode code points), what the 1600 limit counts. */
  chars: number;
  /** Billing units: GSM septets, or UTF-16 code units for UCS-2. */
  units: number;
  /** Number of SMS parts; 0 for an empty body. */
  segments: number;
  /** Units that fit one part at this length: 160/70 for a single SMS, 153/67 per part otherwise. */
  perSegment: number;
  /** Characters over SMS_MAX_CHARS. */
  tooLong: boolean;
  /** The characters that forced UCS-2 (each once, in order of appearance); empty for GSM-7. */
  unicodeChars: string[];
}

/** gsmWidth is how many septets a character takes in GSM-7: 1, 2 (extension table), or 0 when it has no GSM form. */
export function gsmWidth(ch: string): 0 | 1 | 2 {
  if (basic.has(ch)) return 1;
  if (extended.has(ch)) return 2;
  return 0;
}

/** isGsm7 reports whether text can be sent in the GSM 7-bit alphabet. */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (gsmWidth(ch) === 0) return false;
  return true;
}

/** packSegments counts parts of at most `size` units, never splitting one character's units across two parts. */
function packSegments(widths: number[], size: number): number {
  let segments = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > size) {
      segments += 1;
      used = 0;
    }
    used += w;
  }
  return segments;
}

/** countSms counts the characters, encoding and parts of an SMS body. */
export function countSms(body: string): SmsCount {
  const chars = [...body];
  const unicodeChars: string[] = [];
  for (const ch of chars) if (gsmWidth(ch) === 0 && !unicodeChars.includes(ch)) unicodeChars.push(ch);
  const gsm = unicodeChars.length === 0;
  const widths = chars.map((ch) => (gsm ? gsmWidth(ch) : ch.length));
  const units = widths.reduce((n, w) => n + w, 0);
  const single = gsm ? 160 : 70;
  const multi = gsm ? 153 : 67;
  let segments = 0;
  let perSegment = single;
  if (units > 0) {
    if (units <= single) segments = 1;
    else {
      segments = packSegments(widths, multi);
      perSegment = multi;
    }
  }
  return {
    encoding: gsm ? 'GSM-7' : 'UCS-2',
    chars: chars.length,
    units,
    segments,
    perSegment,
    tooLong: chars.length > SMS_MAX_CHARS,
    unicodeChars,
  };
}

/** smsCounterLabel is the composer's counter: "42 chars · 1 segment". */
export function smsCounterLabel(c: SmsCount): string {
  return `${c.chars.toLocaleString('en-US')} ${c.chars === 1 ? 'char' : 'chars'} · ${c.segments} ${c.segments === 1 ? 'segment' : 'segments'}`;
}
