/**
 * Merging two duplicate contacts: which one survives by default, which value
 * of each field is kept by default, and the request that says so. Pure
 * functions, unit-tested; the merge dialog only renders them.
 */

export interface MergeableContact {
  id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  phone: string | null;
  company_name: string;
  title: string;
  owner_id: string | null;
  tags: string[] | null;
  custom_fields: Record<string, unknown>;
  created_at: string;
}

/** The fields a person picks between; tags are always combined. */
export const MERGE_FIELDS = ['first_name', 'last_name', 'email', 'phone', 'company_name', 'title', 'owner_id'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

export const MERGE_LABELS: Record<MergeField | 'custom_fields', string> = {
  first_name: 'First name',
  last_name: 'Last name',
  email: 'Email',
  phone: 'Phone',
  company_name: 'Company',
  title: 'Job title',
  owner_id: 'Owner',
  custom_fields: 'Custom fields',
};

/** Side names one of the pair as shown: a (left) or b (right). */
export type Side = 'a' | 'b';
export type Picks = Partial<Record<MergeField | 'custom_fields', Side>>;

export function fieldValue(c: MergeableContact, f: MergeField): string {
  return (c[f] ?? '').trim();
}

function filled(c: MergeableContact): number {
  return MERGE_FIELDS.filter((f) => fieldValue(c, f) !== '').length + (c.tags?.length ? 1 : 0) + Object.keys(c.custom_fields ?? {}).length;
}

/**
 * defaultSurvivor keeps the contact that holds more information; on a tie,
 * the older one (it is the one people have been linking to longest).
 */
export function defaultSurvivor(a: MergeableContact, b: MergeableContact): Side {
  const fa = filled(a);
  const fb = filled(b);
  if (fa !== fb) return fa > fb ? 'a' : 'b';
  return a.created_at <= b.created_at ? 'a' : 'b';
}

/** differingFields are the fields whose values differ — the only ones worth asking about. */
export function differingFields(a: MergeableContact, b: MergeableContact): MergeField[] {
  return MERGE_FIELDS.filter((f) => fieldValue(a, f) !== fieldValue(b, f));
}

/** clashingCustomFields are custom field names both contacts have, with different values. */
export function clashingCustomFields(a: MergeableContact, b: MergeableContact): string[] {
  const ca = a.custom_fields ?? {};
  const cb = b.custom_fields ?? {};
  return Object.keys(ca).filter((k) => k in cb && JSON.stringify(ca[k]) !== JSON.stringify(cb[k]));
}

/**
 * defaultPicks keeps the survivor's value of each differing field, unless it
 * is empty and the other contact has one: nothing is lost by default.
 */
export function defaultPicks(a: MergeableContact, b: MergeableContact, survivor: Side): Picks {
  const picks: Picks = {};
  const s = survivor === 'a' ? a : b;
  const other: Side = survivor === 'a' ? 'b' : 'a';
  for (const f of differingFields(a, b)) {
    picks[f] = fieldValue(s, f) === '' ? other : survivor;
  }
  if (clashingCustomFields(a, b).length > 0) picks.custom_fields = survivor;
  return picks;
}

/**
 * mergeRequest is the merge call for a pair: the survivor's id (the path),
 * and the body naming the duplicate and, per differing field, whose value
 * stays ("survivor" or "duplicate").
 */
export function mergeRequest(
  a: MergeableContact,
  b: MergeableContact,
  survivor: Side,
  picks: Picks,
): { survivorId: string; body: { duplicate_id: string; fields: Record<string, 'survivor' | 'duplicate'> } } {
  const dup = survivor === 'a' ? b : a;
  const fields: Record<string, 'survivor' | 'duplicate'> = {};
  for (const [f, side] of Object.entries(picks) as [MergeField | 'custom_fields', Side][]) {
    fields[f] = side === survivor ? 'survivor' : 'duplicate';
  }
  return { survivorId: survivor === 'a' ? a.id : b.id, body: { duplicate_id: dup.id, fields } };
}

/** mergedTags are both contacts' tags, once each, the survivor's first. */
export function mergedTags(a: MergeableContact, b: MergeableContact, survivor: Side): string[] {
  const [s, d] = survivor === 'a' ? [a, b] : [b, a];
  const out: string[] = [];
  for (const t of [...(s.tags ?? []), ...(d.tags ?? [])]) if (!out.includes(t)) out.push(t);
  return out;
}

/** reasonLabel explains why two contacts were paired. */
export function reasonLabel(reason: string, score: number): string {
  switch (reason) {
    case 'same_phone':
      return 'Same phone number';
    case 'same_email':
      return 'Same email';
    case 'similar_name':
      return score > 0 ? `Similar name (${Math.round(score * 100)}%)` : 'Similar name';
    default:
      return reason.replace(/_/g, ' ');
  }
}
