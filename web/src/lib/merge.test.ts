import { describe, expect, test } from 'vitest';
import {
  clashingCustomFields,
  defaultPicks,
  defaultSurvivor,
  differingFields,
  mergedTags,
  mergeRequest,
  reasonLabel,
  type MergeableContact,
} from './merge';

function contact(p: Partial<MergeableContact>): MergeableContact {
  return {
    id: 'id',
    first_name: '',
    last_name: '',
    email: null,
    phone: null,
    company_name: '',
    title: '',
    owner_id: null,
    tags: null,
    custom_fields: {},
    created_at: '2026-01-01T00:00:00Z',
    ...p,
  };
}

const a = contact({
  id: 'a',
  first_name: 'Grace',
  last_name: 'Hopper',
  email: 'grace@navy.example',
  phone: '+14155550100',
  company_name: 'US Navy',
  tags: ['vip'],
});
const b = contact({
  id: 'b',
  first_name: 'Grace',
  last_name: 'Hoper',
  email: 'ghopper@cobol.example',
  phone: '+14155550100',
  title: 'Rear Admiral',
  tags: ['cobol', 'vip'],
  created_at: '2026-02-01T00:00:00Z',
});

describe('merge defaults', () => {
  test('the contact with more information stays; on a tie, the older one', () => {
    expect(defaultSurvivor(a, b)).toBe('a'); // 6 vs 6 filled: a is older
    expect(defaultSurvivor(b, a)).toBe('b');
    const richer = contact({ ...b, company_name: 'Navy', custom_fields: { plan: 'gold' } });
    expect(defaultSurvivor(a, richer)).toBe('b');
  });

  test('only differing fields are asked about', () => {
    expect(differingFields(a, b)).toEqual(['last_name', 'email', 'company_name', 'title']);
  });

  test('the survivor’s values stay, except where it has none: nothing is lost by default', () => {
    expect(defaultPicks(a, b, 'a')).toEqual({ last_name: 'a', email: 'a', company_name: 'a', title: 'b' });
    expect(defaultPicks(a, b, 'b')).toEqual({ last_name: 'b', email: 'b', company_name: 'a', title: 'b' });
  });

  test('clashing custom fields default to the survivor’s', () => {
    const x = contact({ id: 'x', custom_fields: { plan: 'gold', region: 'EU' } });
    const y = contact({ id: 'y', custom_fields: { plan: 'silver', region: 'EU', size: 3 } });
    expect(clashingCustomFields(x, y)).toEqual(['plan']);
    expect(defaultPicks(x, y, 'b').custom_fields).toBe('b');
    expect(defaultPicks(a, b, 'a').custom_fields).toBeUndefined();
  });
});

describe('mergeRequest', () => {
  test('sides become survivor and duplicate, whichever contact stays', () => {
    expect(mergeRequest(a, b, 'a', { email: 'b', title: 'b', last_name: 'a' })).toEqual({
      survivorId: 'a',
      body: { duplicate_id: 'b', fields: { email: 'duplicate', title: 'duplicate', last_name: 'survivor' } },
    });
    expect(mergeRequest(a, b, 'b', { email: 'b', company_name: 'a' })).toEqual({
      survivorId: 'b',
      body: { duplicate_id: 'a', fields: { email: 'survivor', company_name: 'duplicate' } },
    });
  });

  test('tags are united, the survivor’s first', () => {
    expect(mergedTags(a, b, 'b')).toEqual(['cobol', 'vip']);
    expect(mergedTags(a, b, 'a')).toEqual(['vip', 'cobol']);
  });

  test('reasons read as sentences', () => {
    expect(reasonLabel('same_phone', 0)).toBe('Same phone number');
    expect(reasonLabel('similar_name', 0.734)).toBe('Similar name (73%)');
    expect(reasonLabel('same_company_domain', 0)).toBe('same company domain');
  });
});
