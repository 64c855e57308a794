/**
 * Client-side form validation. It mirrors the server's rules so people see
 * mistakes before a round trip; the server stays the authority and its
 * problem errors[] are shown per field as well.
 */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** required returns a validator that fails on blank input. */
export function required(label: string) {
  return (value: string | null | undefined): string | null => ((value ?? '').trim() === '' ? `${label} is required` : null);
}

/** validateEmail accepts a blank value only when optional. */
export function validateEmail(value: string | null | undefined, optional = false): string | null {
  const v = (value ?? '').trim();
  if (v === '') return optional ? null : 'Email is required';
  return EMAIL.test(v) ? null : 'Enter a valid email address';
}

/** validatePassword applies the server's minimum of 8 characters. */
export function validatePassword(value: string | null | undefined): string | null {
  const v = value ?? '';
  if (v === '') return 'Password is required';
  if (v.length < 8) return 'Use at least 8 characters';
  if (v.length > 200) return 'Use at most 200 characters';
  return null;
}

/**
 * normalizePhone turns what people type into E.164, the way the server reads
 * it: spaces, dots, dashes and parentheses are dropped, a leading "00" becomes
 * "+", and ten digits without a country code are a US number. It returns null
 * for blank input and undefined when the result cannot be a phone number.
 */
export function normalizePhone(value: string | null | undefined): string | null | undefined {
  const raw = (value ?? '').trim();
  if (raw === '') return null;
  let v = raw.replace(/[\s().\-/]/g, '');
  if (v.startsWith('00')) v = '+' + v.slice(2);
  if (/^\d{10}$/.test(v)) v = '+1' + v;
  else if (/^1\d{10}$/.test(v)) v = '+' + v;
  return /^\+[1-9]\d{6,14}$/.test(v) ? v : undefined;
}

/** validatePhone accepts blank input or anything normalizePhone can read. */
export function validatePhone(value: string | null | undefined): string | null {
  return normalizePhone(value) === undefined ? 'Enter a phone number with country code, e.g. +1 415 555 0123' : null;
}

/** ContactFormValues is the shape of the create/edit contact form. */
export interface ContactFormValues {
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  company_name: string;
  title: string;
  tags: string[];
  owner_id: string | null;
}

/** validateContact checks a contact form; a contact needs at least a name or an email. */
export function validateContact(v: ContactFormValues): Partial<Record<keyof ContactFormValues, string>> {
  const errors: Partial<Record<keyof ContactFormValues, string>> = {};
  if (!v.first_name.trim() && !v.last_name.trim() && !v.email.trim()) {
    errors.first_name = 'Enter a name or an email';
  }
  if (v.first_name.length > 200) errors.first_name = 'Use at most 200 characters';
  if (v.last_name.length > 200) errors.last_name = 'Use at most 200 characters';
  const email = validateEmail(v.email, true);
  if (email) errors.email = email;
  const phone = validatePhone(v.phone);
  if (phone) errors.phone = phone;
  const badTag = v.tags.find((t) => t.trim() === '' || t.length > 50);
  if (badTag !== undefined) errors.tags = 'Tags must be 1–50 characters';
  return errors;
}

/** CustomFieldRow is one row of the key/value editor. */
export interface CustomFieldRow {
  key: string;
  value: string;
}

/**
 * validateCustomFields checks the key/value editor: keys are required and
 * unique (case-insensitively) and at most 64 characters. It returns an error
 * per row index, or an empty object when all rows are fine.
 */
export function validateCustomFields(rows: CustomFieldRow[]): Record<number, string> {
  const errors: Record<number, string> = {};
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const key = row.key.trim();
    if (key === '') {
      if (row.value.trim() !== '') errors[i] = 'Name the field';
      return;
    }
    if (key.length > 64) {
      errors[i] = 'Use at most 64 characters';
      return;
    }
    const k = key.toLowerCase();
    if (seen.has(k)) errors[i] = `"${key}" is already used`;
    seen.add(k);
  });
  return errors;
}

/**
 * customFieldsFromRows builds the object sent to the API. Blank rows are
 * dropped. A value whose text is unchanged from a non-string original (a
 * number, a list) keeps its original JSON value.
 */
export function customFieldsFromRows(rows: CustomFieldRow[], original: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (key === '') continue;
    const prev = original[key];
    if (prev !== undefined && typeof prev !== 'string' && customFieldText(prev) === row.value) {
      out[key] = prev;
    } else {
      out[key] = row.value;
    }
  }
  return out;
}

/** customFieldText shows any JSON value as editable text. */
export function customFieldText(value: unknown): string {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** rowsFromCustomFields is the inverse of customFieldsFromRows. */
export function rowsFromCustomFields(fields: Record<string, unknown> | null | undefined): CustomFieldRow[] {
  return Object.entries(fields ?? {}).map(([key, value]) => ({ key, value: customFieldText(value) }));
}
