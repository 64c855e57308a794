import type { Activity, ActivityInput } from '../api/activities';
import { zonedParts, zonedToISO } from './zoned';

/** The types people create; "system" entries are the server's. */
export type EditableType = 'task' | 'note' | 'call' | 'meeting';

/** ActivityFormValues is the activity form's state: due date and time are wall-clock values in the company's zone. */
export interface ActivityFormValues {
  type: EditableType;
  subject: string;
  body: string;
  due_date: string;
  due_time: string;
  assignee_id: string | null;
  contact_id: string | null;
  deal_id: string | null;
  /** On create only: record it as already done (a call that happened). */
  done: boolean;
}

export interface ActivityDefaults {
  type?: EditableType;
  contactId?: string | null;
  dealId?: string | null;
  dueDate?: string;
}

/** activityFormValues fills the form from an activity (editing) or from defaults (creating). */
export function activityFormValues(a: Activity | undefined, d: ActivityDefaults, me: string, timeZone: string | undefined): ActivityFormValues {
  if (a) {
    const due = a.due_at ? zonedParts(a.due_at, timeZone) : { date: '', time: '' };
    return {
      type: a.type === 'system' ? 'note' : a.type,
      subject: a.subject,
      body: a.body,
      due_date: due.date,
      due_time: due.time,
      assignee_id: a.assignee_id ?? null,
      contact_id: a.contact_id ?? null,
      deal_id: a.deal_id ?? null,
      done: a.done_at != null,
    };
  }
  const type = d.type ?? 'task';
  return {
    type,
    subject: '',
    body: '',
    due_date: d.dueDate ?? '',
    due_time: d.dueDate ? '09:00' : '',
    assignee_id: type === 'task' ? me : null,
    contact_id: d.contactId ?? null,
    deal_id: d.dealId ?? null,
    done: false,
  };
}

/** validateActivityForm checks what the server would refuse, in the form's words. */
export function validateActivityForm(v: ActivityFormValues, timeZone: string | undefined): Record<string, string> {
  const errors: Record<string, string> = {};
  const subject = v.subject.trim();
  if (!subject) errors.subject = v.type === 'note' ? 'Give the note a title' : 'Say what it is about';
  else if ([...subject].length > 200) errors.subject = 'Must be at most 200 characters';
  if ([...v.body].length > 20000) errors.body = 'Must be at most 20,000 characters';
  if (v.type !== 'note') {
    if (v.due_time && !v.due_date) errors.due_date = 'Pick a day for this time';
    else if (v.due_date && !zonedToISO(v.due_date, v.due_time || '09:00', timeZone)) errors.due_date = 'Enter a valid date';
  }
  return errors;
}

/**
 * toActivityBody turns form values into the API's fields. Notes have no due
 * time; a day without a time is due at 9:00 in the company's zone. Empty
 * strings clear a link on update.
 */
export function toActivityBody(v: ActivityFormValues, timeZone: string | undefined): Required<Omit<ActivityInput, 'done'>> {
  const due = v.type !== 'note' && v.due_date ? (zonedToISO(v.due_date, v.due_time || '09:00', timeZone) ?? '') : '';
  return {
    type: v.type,
    subject: v.subject.trim(),
    body: v.body.trim(),
    due_at: due,
    assignee_id: v.assignee_id ?? '',
    contact_id: v.contact_id ?? '',
    deal_id: v.deal_id ?? '',
  };
}

/** formField maps the server's problem locations onto the form's fields. */
export function formField(location: string | undefined): string | undefined {
  if (location === 'body.due_at') return 'body.due_date';
  return location;
}

/**
 * splitNote turns what someone typed into the quick composer into a subject
 * and a body: the first line is the subject, the rest the body. A first line
 * over 200 characters is cut at a word for the subject and kept whole in the body.
 */
export function splitNote(text: string): { subject: string; body: string } {
  const t = text.replace(/\r\n?/g, '\n').trim();
  if (!t) return { subject: '', body: '' };
  const nl = t.indexOf('\n');
  const first = (nl === -1 ? t : t.slice(0, nl)).trim();
  const rest = nl === -1 ? '' : t.slice(nl + 1).trim();
  const chars = [...first];
  if (chars.length <= 200) return { subject: first, body: rest };
  const cut = chars.slice(0, 199).join('');
  const space = cut.lastIndexOf(' ');
  const subject = (space > 120 ? cut.slice(0, space) : cut).trimEnd() + '…';
  return { subject, body: t };
}
