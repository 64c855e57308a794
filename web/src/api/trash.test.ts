import { describe, expect, it } from 'vitest';
import { daysLeft, describeAudit } from './trash';

describe('daysLeft', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  it('rounds up to whole days', () => {
    expect(daysLeft('2026-03-31T12:00:00Z', now)).toBe(30);
    expect(daysLeft('2026-03-31T11:59:00Z', now)).toBe(30);
    expect(daysLeft('2026-03-02T12:00:01Z', now)).toBe(2);
    expect(daysLeft('2026-03-01T12:00:01Z', now)).toBe(1);
  });
  it('is 0 once due', () => {
    expect(daysLeft('2026-03-01T12:00:00Z', now)).toBe(0);
    expect(daysLeft('2026-02-01T00:00:00Z', now)).toBe(0);
  });
});

describe('describeAudit', () => {
  it('says what happened to contacts and deals', () => {
    expect(describeAudit({ action: 'contact.deleted', entity_type: 'contact', detail: { name: 'Ada Lovelace' } })).toBe(
      'deleted contact “Ada Lovelace”',
    );
    expect(describeAudit({ action: 'deal.restored', entity_type: 'deal', detail: { title: 'Rollout' } })).toBe('restored deal “Rollout”');
    expect(describeAudit({ action: 'contact.purged', entity_type: 'contact', detail: { name: 'Ada', reason: 'expired' } })).toBe(
      'deleted contact “Ada” for good after 30 days in the trash',
    );
    expect(describeAudit({ action: 'deal.purged', entity_type: 'deal', detail: { title: 'X', reason: 'deleted_forever' } })).toBe(
      'deleted deal “X” for good from the trash',
    );
    expect(describeAudit({ action: 'contact.merged', entity_type: 'contact', detail: { name: 'Gracie', into: 'Grace' } })).toBe(
      'merged contact “Gracie” into “Grace”',
    );
  });
  it('shows actions it does not know as they are', () => {
    expect(describeAudit({ action: 'member.role_changed', entity_type: 'user', detail: { name: 'Bob' } })).toBe('member: role changed — Bob');
    expect(describeAudit({ action: 'contact.exported', entity_type: 'contact', detail: {} })).toBe('contact: exported');
  });
  it('says what happened to the team', () => {
    expect(describeAudit({ action: 'member.role', entity_type: 'member', detail: { email: 'bob@x.test', from: 'member', to: 'admin' } })).toBe(
      'changed the role of bob@x.test from member to admin',
    );
    expect(describeAudit({ action: 'invite.create', entity_type: 'invite', detail: { email: 'c@x.test', role: 'owner' } })).toBe(
      'invited c@x.test as owner',
    );
    expect(describeAudit({ action: 'company.require_two_factor', entity_type: 'company', detail: { on: true } })).toBe(
      'required two-step sign-in for everyone',
    );
  });
});
