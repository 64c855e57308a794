/**
 * The import wizard's column mapping, as pure functions: which fields a
 * column may fill, moving a field from one column to another (a field is
 * filled from one column only), and what the server will insist on.
 */

export interface FieldLike {
  name: string;
  label: string;
  description?: string;
  required: boolean;
}

/** A select's value for "don't import this column"; the API's mapping says "". */
export const IGNORE = 'ignore';

const CUSTOM = 'custom.';

export interface ColumnOption {
  value: string;
  label: string;
}

/** customName is the custom field a column becomes: its header, trimmed to 64 characters. */
export function customName(header: string, index: number): string {
  const name = [...header.trim()].slice(0, 64).join('').trim();
  return name || `column ${index + 1}`;
}

/** isCustom reports whether a mapping entry is a contact's custom field. */
export function isCustom(field: string): boolean {
  return field.startsWith(CUSTOM) && field !== `${CUSTOM}*`;
}

/**
 * columnOptions lists what one column can map to: nothing, each field of the
 * kind, and (when the kind has custom fields) a custom field named after the
 * column — plus the current choice, if it is a custom field by another name.
 */
export function columnOptions(fields: readonly FieldLike[], header: string, index: number, current: string): ColumnOption[] {
  const out: ColumnOption[] = [{ value: IGNORE, label: 'Don’t import' }];
  let custom = false;
  for (const f of fields) {
    if (f.name === `${CUSTOM}*`) {
      custom = true;
      continue;
    }
    out.push({ value: f.name, label: f.required ? `${f.label} (required)` : f.label });
  }
  if (custom) {
    const name = customName(header, index);
    out.push({ value: CUSTOM + name, label: `Custom field “${name}”` });
    if (isCustom(current) && current !== CUSTOM + name) out.push({ value: current, label: `Custom field “${current.slice(CUSTOM.length)}”` });
  }
  return out;
}

/** toSelect and fromSelect translate between the API's "" and the select's IGNORE. */
export const toSelect = (field: string) => (field === '' ? IGNORE : field);
export const fromSelect = (value: string | null) => (!value || value === IGNORE ? '' : value);

/**
 * assignField maps column `index` to `field`. A field fills one column only,
 * so a column that had it before is cleared; `moved` names that column.
 */
export function assignField(mapping: readonly string[], index: number, field: string): { mapping: string[]; moved: number | null } {
  const next = [...mapping];
  let moved: number | null = null;
  if (field !== '') {
    next.forEach((f, j) => {
      if (j !== index && f === field) {
        next[j] = '';
        moved = j;
      }
    });
  }
  next[index] = field;
  return { mapping: next, moved };
}

/** mappingIssue says what the server will refuse about a mapping, or null: a deal needs a title; a contact a name, email or phone. */
export function mappingIssue(kind: 'contacts' | 'deals', mapping: readonly string[]): string | null {
  const used = new Set(mapping.filter(Boolean));
  if (kind === 'deals') return used.has('title') ? null : 'Map a column to the deal’s Title.';
  if (['first_name', 'last_name', 'full_name', 'email', 'phone'].some((f) => used.has(f))) return null;
  return 'Map a column to a name, an email or a phone number.';
}

/** sameMapping compares two mappings entry by entry. */
export function sameMapping(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}

/** columnErrors picks the problems the server reported per column ("body.mapping[2]") out of a problem's errors. */
export function columnErrors(errors: readonly { location?: string; message?: string }[] | null | undefined): {
  columns: Record<number, string>;
  general: string[];
} {
  const columns: Record<number, string> = {};
  const general: string[] = [];
  for (const e of errors ?? []) {
    const m = /^body\.mapping\[(\d+)\]$/.exec(e.location ?? '');
    const msg = e.message ?? 'Invalid';
    if (m) columns[Number(m[1])] ??= msg.charAt(0).toUpperCase() + msg.slice(1);
    else general.push(msg.charAt(0).toUpperCase() + msg.slice(1));
  }
  return { columns, general };
}

/** formatBytes shows a file size: "912 B", "14.2 KB", "3.4 MB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1).replace(/\.0$/, '')} ${units[i]}`;
}

/** progressPercent is how far an import is, 0–100; an empty file is complete. */
export function progressPercent(processed: number, total: number): number {
  if (total <= 0) return 100;
  return Math.max(0, Math.min(100, Math.round((processed / total) * 100)));
}
