import { Anchor, Badge, Button, Group, Text, ThemeIcon, Tooltip, type ButtonProps } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconAlertTriangle,
  IconCheck,
  IconChecks,
  IconClock,
  IconFlask,
  IconMessage,
  IconPhone,
  IconPhoneCall,
  IconPhoneIncoming,
  IconPhoneOutgoing,
  IconX,
} from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../api/client';
import { humanizeMessage, isApiError } from '../api/errors';
import { useContact } from '../api/queries';
import { refreshAfterCall, type Call, type CallStatus, type SmsMessage, type SmsStatus } from '../api/phone';
import { formatPhone } from '../lib/format';
import { notifyError } from './notify';

/*
 * Small pieces the SMS page, the call log, the timelines and the contact and
 * deal pages share: delivery and call status, the call direction, and the
 * "Call" and "Text" buttons.
 */

const SMS_STATUS: Record<SmsStatus, { label: string; color: string; icon: ReactNode }> = {
  queued: { label: 'Queued', color: 'gray', icon: <IconClock size={12} /> },
  sending: { label: 'Sending', color: 'gray', icon: <IconClock size={12} /> },
  sent: { label: 'Sent', color: 'blue', icon: <IconCheck size={12} /> },
  delivered: { label: 'Delivered', color: 'teal', icon: <IconChecks size={12} /> },
  undelivered: { label: 'Undelivered', color: 'orange', icon: <IconAlertTriangle size={12} /> },
  failed: { label: 'Failed', color: 'red', icon: <IconX size={12} /> },
  received: { label: 'Received', color: 'gray', icon: <IconCheck size={12} /> },
};

/** smsErrorText explains a failed delivery: "Error 30003: Unreachable destination handset". */
function smsErrorText(m: Pick<SmsMessage, 'error_code' | 'error_message'>): string {
  const parts = [m.error_code != null ? `Error ${m.error_code}` : '', m.error_message].filter(Boolean);
  return parts.length > 0 ? parts.join(': ') : 'The carrier gave no reason.';
}

/**
 * SmsStatusLine is a text's delivery status, small, under its bubble. A failed
 * or undelivered text carries the carrier's error in a tooltip that the
 * keyboard reaches too.
 */
export function SmsStatusLine({ m }: { m: Pick<SmsMessage, 'status' | 'error_code' | 'error_message'> }) {
  const s = SMS_STATUS[m.status] ?? SMS_STATUS.queued;
  const bad = m.status === 'failed' || m.status === 'undelivered';
  const line = (
    <Group
      gap={3}
      wrap="nowrap"
      c={bad ? s.color : 'dimmed'}
      data-testid="sms-status"
      data-status={m.status}
      tabIndex={bad ? 0 : undefined}
      aria-label={bad ? `${s.label}. ${smsErrorText(m)}` : undefined}
      style={bad ? { cursor: 'help' } : undefined}
    >
      {s.icon}
      <Text span size="xs" fw={bad ? 600 : undefined}>
        {s.label}
      </Text>
    </Group>
  );
  if (!bad) return line;
  return (
    <Tooltip label={smsErrorText(m)} multiline maw={280} events={{ hover: true, focus: true, touch: true }}>
      {line}
    </Tooltip>
  );
}

const CALL_STATUS: Record<CallStatus, { label: string; color: string }> = {
  queued: { label: 'Queued', color: 'gray' },
  initiated: { label: 'Dialing', color: 'blue' },
  ringing: { label: 'Ringing', color: 'blue' },
  'in-progress': { label: 'In progress', color: 'brand' },
  completed: { label: 'Completed', color: 'teal' },
  busy: { label: 'Busy', color: 'orange' },
  'no-answer': { label: 'No answer', color: 'orange' },
  failed: { label: 'Failed', color: 'red' },
  canceled: { label: 'Canceled', color: 'gray' },
};

export const CALL_STATUS_OPTIONS = (Object.keys(CALL_STATUS) as CallStatus[]).map((s) => ({ value: s, label: CALL_STATUS[s].label }));

/** CallStatusBadge is a call's outcome; a completed call answered by voicemail says so. */
export function CallStatusBadge({ c }: { c: { status: string; answered_by: string } }) {
  const s = CALL_STATUS[c.status as CallStatus] ?? { label: c.status, color: 'gray' };
  const label = c.status === 'completed' && c.answered_by === 'voicemail' ? 'Voicemail' : s.label;
  return (
    <Badge size="sm" variant="light" color={c.status === 'completed' && c.answered_by === 'voicemail' ? 'grape' : s.color} data-testid="call-status">
      {label}
    </Badge>
  );
}

/** CallDirectionIcon shows inbound and outbound calls apart, with a name for screen readers. */
export function CallDirectionIcon({ direction, size = 28 }: { direction: Call['direction']; size?: number }) {
  const inbound = direction === 'inbound';
  return (
    <Tooltip label={inbound ? 'Incoming call' : 'Outgoing call'}>
      <ThemeIcon size={size} radius="xl" variant="light" color={inbound ? 'teal' : 'brand'} aria-label={inbound ? 'Incoming' : 'Outgoing'} role="img">
        {inbound ? <IconPhoneIncoming size={size * 0.55} /> : <IconPhoneOutgoing size={size * 0.55} />}
      </ThemeIcon>
    </Tooltip>
  );
}

/** SimulatedBadge marks what the built-in simulator did: nothing really left the building. */
export function SimulatedBadge({ size = 'sm' }: { size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Tooltip label="Simulator mode: nothing is really sent or dialled" multiline maw={260}>
      <Badge size={size} variant="light" color="grape" leftSection={<IconFlask size={12} />} data-testid="simulated-badge" tabIndex={0}>
        Simulated
      </Badge>
    </Tooltip>
  );
}

/** isMyPhoneMissing recognises the 422 the server gives a caller without their own phone number. */
function myPhoneProblem(err: unknown): string | null {
  if (!isApiError(err, 422)) return null;
  const hit = (err.problem.errors ?? []).find((e) => e.location === 'body.from');
  return hit ? humanizeMessage(hit.message) : null;
}

/**
 * useStartCall is click-to-call: the server rings the caller's own phone, then
 * connects the contact. A caller without their phone set is sent to Settings → Phone.
 */
export function useStartCall() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { contactId?: string; to?: string; name: string }) =>
      call(api.POST('/api/calls', { body: v.contactId ? { contact_id: v.contactId } : { to: v.to ?? '' } })),
    onSuccess: (c, v) => {
      refreshAfterCall(qc);
      notifications.show({
        color: 'brand',
        title: 'Ringing your phone…',
        message: (
          <>
            Answer it and you’ll be connected to {v.name}.{c.simulated ? ' (Simulated — nothing really rings.)' : ''}{' '}
            <Anchor component={Link} to="/calls" size="sm">
              Call log
            </Anchor>
          </>
        ),
        icon: <IconPhoneCall size={18} />,
        autoClose: 8000,
      });
    },
    onError: (err) => {
      const mine = myPhoneProblem(err);
      if (mine) {
        notifications.show({
          color: 'orange',
          title: 'Your phone number is needed',
          message: (
            <>
              {mine.endsWith('.') ? mine : `${mine}.`}{' '}
              <Anchor component={Link} to="/settings/phone" size="sm">
                Open Settings → Phone
              </Anchor>
            </>
          ),
          icon: <IconPhone size={18} />,
          autoClose: 10_000,
        });
        return;
      }
      notifyError(err, 'Could not start the call');
    },
  });
}

interface ContactPhoneProps extends Omit<ButtonProps, 'children'> {
  contactId: string;
  /** Who is called or texted, for the messages. */
  name: string;
  /** The contact's phone; without one the buttons are disabled with a reason. */
  phone: string | null | undefined;
  /** The button's text, when not the default. */
  label?: string;
}

/** CallButton rings the caller's phone and connects them to the contact. */
export function CallButton({ contactId, name, phone, label = 'Call', ...rest }: ContactPhoneProps) {
  const start = useStartCall();
  const button = (
    <Button
      variant="light"
      size="xs"
      leftSection={<IconPhoneCall size={14} />}
      {...rest}
      disabled={!phone}
      loading={start.isPending}
      onClick={() => start.mutate({ contactId, name })}
      aria-label={`Call ${name}${phone ? ` at ${formatPhone(phone)}` : ''}`}
    >
      {label}
    </Button>
  );
  return phone ? button : <Tooltip label="Add a phone number to call">{button}</Tooltip>;
}

/** TextButton opens the contact's SMS conversation, or a new message to them when there is none yet. */
export function TextButton({ contactId, name, phone, label = 'Text', ...rest }: ContactPhoneProps) {
  const navigate = useNavigate();
  const open = useMutation({
    mutationFn: () => call(api.GET('/api/sms/contact-thread/{id}', { params: { path: { id: contactId } } })),
    onSuccess: (t) => navigate(`/sms/${t.id}`),
    onError: (err) => {
      if (isApiError(err, 404)) navigate(`/sms?to=${encodeURIComponent(contactId)}`);
      else notifyError(err, 'Could not open the conversation');
    },
  });
  const button = (
    <Button
      variant="light"
      size="xs"
      leftSection={<IconMessage size={14} />}
      {...rest}
      disabled={!phone}
      loading={open.isPending}
      onClick={() => open.mutate()}
      aria-label={`Text ${name}`}
    >
      {label}
    </Button>
  );
  return phone ? button : <Tooltip label="Add a phone number to text">{button}</Tooltip>;
}

/**
 * ContactPhoneButtons are "Call" and "Text" for a contact known only by id
 * (a deal's contact): its phone is looked up first, and the buttons explain
 * themselves when there is none.
 */
export function ContactPhoneButtons({ contactId, name }: { contactId: string; name: string }) {
  const contact = useContact(contactId);
  if (!contact.isSuccess) return null;
  const phone = contact.data.phone ?? null;
  return (
    <Group gap="xs" data-testid="contact-phone-buttons">
      <CallButton contactId={contactId} name={name} phone={phone} />
      <TextButton contactId={contactId} name={name} phone={phone} />
    </Group>
  );
}
