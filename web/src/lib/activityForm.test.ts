import { describe, expect, test } from 'vitest';
import type { Activity } from '../api/activities';
import { activityFormValues, formField, splitNote, toActivityBody, validateActivityForm, type ActivityFormValues } from './activityForm';

const base: ActivityFormValues = {
  type: 'task',
  subject: '  Send the proposal ',
  body: 'Pricing\n\n',
  due_date: '2026-03-02',
  due_time: '14:30',
  assignee_id: 'me',
  contact_id: 'c1',
  deal_id: null,
  done: false,
};

describe('activity form', () => {
  test('the due time is the company’s wall clock, sent as an instant', () => {
    expect(toActivityBody(base, 'Europe/Berlin')).toEqual({
      type: 'task',
      subject: 'Send the proposal',
      body: 'Pricing',
      due_at: '2026-03-02T13:30:00.000Z',
      assignee_id: 'me',
      contact_id: 'c1',
      deal_id: '',
    });
  });

  test('a day without a time is due at 9:00; a note has no due time', () => {
    expect(toActivityBody({ ...base, due_time: '' }, 'UTC').due_at).toBe('2026-03-02T09:00:00.000Z');
    expect(toActivityBody({ ...base, type: 'note' }, 'UTC').due_at).toBe('');
    expect(toActivityBody({ ...base, due_date: '' }, 'UTC').due_at).toBe('');
  });

  test('editing shows the due time in the company’s zone', () => {
    const a = {
      id: '1',
      type: 'call',
      subject: 'Call',
      body: '',
      due_at: '2026-07-01T16:00:00Z',
      done_at: null,
      assignee_id: null,
      contact_id: null,
      deal_id: 'd1',
    } as unknown as Activity;
    const v = activityFormValues(a, {}, 'me', 'America/New_York');
    expect(v).toMatchObject({ type: 'call', due_date: '2026-07-01', due_time: '12:00', assignee_id: null, deal_id: 'd1', done: false });
  });

  test('a new task is mine and, from a date default, due at 9:00; other types start unassigned', () => {
    expect(activityFormValues(undefined, { dueDate: '2026-05-05' }, 'me', 'UTC')).toMatchObject({
      type: 'task',
      assignee_id: 'me',
      due_date: '2026-05-05',
      due_time: '09:00',
    });
    expect(activityFormValues(undefined, { type: 'note', contactId: 'c9' }, 'me', 'UTC')).toMatchObject({
      assignee_id: null,
      contact_id: 'c9',
      due_date: '',
    });
  });

  test('validation in the form’s words', () => {
    expect(validateActivityForm({ ...base, subject: ' ' }, 'UTC')).toEqual({ subject: 'Say what it is about' });
    expect(validateActivityForm({ ...base, type: 'note', subject: '' }, 'UTC')).toEqual({ subject: 'Give the note a title' });
    expect(validateActivityForm({ ...base, due_date: '' }, 'UTC')).toEqual({ due_date: 'Pick a day for this time' });
    expect(validateActivityForm({ ...base, subject: 'x'.repeat(201) }, 'UTC').subject).toMatch(/200/);
    expect(validateActivityForm(base, 'UTC')).toEqual({});
  });

  test('the server’s due_at problem lands on the date field', () => {
    expect(formField('body.due_at')).toBe('body.due_date');
    expect(formField('body.subject')).toBe('body.subject');
  });
});

describe('splitNote', () => {
  test('the first line is the subject, the rest the body', () => {
    expect(splitNote('Budget approved\r\n\r\nStart in March.\n')).toEqual({ subject: 'Budget approved', body: 'Start in March.' });
    expect(splitNote('  Just a line  ')).toEqual({ subject: 'Just a line', body: '' });
    expect(splitNote('   ')).toEqual({ subject: '', body: '' });
  });

  test('a long first line is cut at a word for the subject and kept whole in the body', () => {
    const long = 'word '.repeat(60).trim();
    const { subject, body } = splitNote(long);
    expect([...subject].length).toBeLessThanOrEqual(200);
    expect(subject.endsWith('word…')).toBe(true);
    expect(body).toBe(long);
  });
});
