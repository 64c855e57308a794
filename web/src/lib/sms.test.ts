import { describe, expect, it } from 'vitest';
import { countSms, gsmWidth, isGsm7, SMS_MAX_CHARS, smsCounterLabel } from './sms';

describe('gsmWidth / isGsm7', () => {
  it('knows the basic alphabet, the extension table and the rest', () => {
    expect(gsmWidth('a')).toBe(1);
    expect(gsmWidth('@')).toBe(1);
    expect(gsmWidth('ñ')).toBe(1);
    expect(gsmWidth('\n')).toBe(1);
    for (const ch of ['{', '}', '[', ']', '~', '\\', '|', '^', '€', '\f']) expect(gsmWidth(ch)).toBe(2);
    for (const ch of ['😀', '“', 'ç', 'ó', 'Ж', '中', '\t']) expect(gsmWidth(ch)).toBe(0);
  });
  it('tells whether a whole text fits GSM-7', () => {
    expect(isGsm7('Hello, see you at 5pm! €20 {ok}')).toBe(true);
    expect(isGsm7('Thanks 🙏')).toBe(false);
    expect(isGsm7('')).toBe(true);
  });
});

describe('countSms', () => {
  it('counts an empty body as no segments', () => {
    const c = countSms('');
    expect(c).toMatchObject({ encoding: 'GSM-7', chars: 0, units: 0, segments: 0, tooLong: false });
  });

  it('fits 160 GSM characters in one SMS and splits at 161 into 153-unit parts', () => {
    expect(countSms('a'.repeat(160))).toMatchObject({ segments: 1, units: 160, perSegment: 160 });
    expect(countSms('a'.repeat(161))).toMatchObject({ segments: 2, perSegment: 153 });
    expect(countSms('a'.repeat(306)).segments).toBe(2);
    expect(countSms('a'.repeat(307)).segments).toBe(3);
  });

  it('counts extension characters twice', () => {
    const c = countSms('€'.repeat(80));
    expect(c).toMatchObject({ encoding: 'GSM-7', chars: 80, units: 160, segments: 1 });
    expect(countSms('€'.repeat(80) + 'a').segments).toBe(2);
    expect(countSms('{}').units).toBe(4);
  });

  it('never splits an extension character across parts', () => {
    // 306 units would fill two parts exactly, but the euro after 152 plain
    // characters cannot straddle parts 1 and 2: it moves to part 2, which overflows.
    const c = countSms('a'.repeat(152) + '€' + 'a'.repeat(152));
    expect(c.units).toBe(306);
    expect(c.segments).toBe(3);
    expect(countSms('a'.repeat(151) + '€' + 'a'.repeat(153)).segments).toBe(2);
  });

  it('switches to UCS-2 for anything outside GSM: 70 single, 67 per part', () => {
    const c = countSms('ç'.repeat(70));
    expect(c).toMatchObject({ encoding: 'UCS-2', segments: 1, perSegment: 70, unicodeChars: ['ç'] });
    expect(countSms('ç'.repeat(71))).toMatchObject({ segments: 2, perSegment: 67 });
    expect(countSms('ç'.repeat(134)).segments).toBe(2);
    expect(countSms('ç'.repeat(135)).segments).toBe(3);
  });

  it('counts an emoji as two UTF-16 units and one character, and keeps pairs whole', () => {
    const c = countSms('😀');
    expect(c).toMatchObject({ encoding: 'UCS-2', chars: 1, units: 2, segments: 1 });
    // 35 emoji = 70 units: one SMS. 36 = 72: two parts of up to 67 (33 emoji each).
    expect(countSms('😀'.repeat(35)).segments).toBe(1);
    expect(countSms('😀'.repeat(36)).segments).toBe(2);
    // 66 units of 'a', then an emoji that must not be split: it starts part 2.
    expect(countSms('ç'.repeat(66) + '😀' + 'ç'.repeat(66)).segments).toBe(3);
  });

  it('once one character is Unicode, extension characters count once', () => {
    expect(countSms('€ 😀')).toMatchObject({ encoding: 'UCS-2', units: 4, unicodeChars: ['😀'] });
  });

  it('lists each character that forced Unicode once', () => {
    expect(countSms('“Hi” ó ó').unicodeChars).toEqual(['“', '”', 'ó']);
  });

  it('flags bodies over the limit by characters', () => {
    expect(countSms('a'.repeat(SMS_MAX_CHARS)).tooLong).toBe(false);
    expect(countSms('a'.repeat(SMS_MAX_CHARS + 1)).tooLong).toBe(true);
    expect(countSms('😀'.repeat(SMS_MAX_CHARS)).tooLong).toBe(false);
  });
});

describe('smsCounterLabel', () => {
  it('reads naturally', () => {
    expect(smsCounterLabel(countSms(''))).toBe('0 chars · 0 segments');
    expect(smsCounterLabel(countSms('a'))).toBe('1 char · 1 segment');
    expect(smsCounterLabel(countSms('a'.repeat(1600)))).toBe('1,600 chars · 11 segments');
  });
});
