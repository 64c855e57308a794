import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Center,
  Divider,
  Flex,
  Group,
  Loader,
  ScrollArea,
  Select,
  Stack,
  Text,
  Textarea,
  Tooltip,
} from '@mantine/core';
import { IconAlertCircle, IconFlask, IconMessageOff, IconPaperclip, IconSend } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { flattenPages } from '../../api/activities';
import { api, call } from '../../api/client';
import { errorMessage, fieldErrors, isApiError } from '../../api/errors';
import { newIdempotencyKey, phoneKeys, refreshAfterSms, useMessages, useThread, type SmsMessage, type SmsThread } from '../../api/phone';
import { CallButton, SimulatedBadge, SmsStatusLine } from '../../components/phone';
import { ErrorState } from '../../components/States';
import { useSession } from '../../components/session';
import { formatDate, formatDateTime, formatPhone } from '../../lib/format';
import { countSms } from '../../lib/sms';
import { timeIn } from '../../lib/zoned';
import { threadName, ThreadNotFound } from './common';
import { ConsentHistory } from './ConsentHistory';
import { SmsCounter } from './SmsCounter';
import { numberOption, type Provider } from './useProvider';

interface Props {
  threadId: string;
  /** The conversation as the list has it, shown while its own request loads. */
  listed?: SmsThread;
  provider: Provider;
  /** A back button, on a phone. */
  back: ReactNode;
  /** Whether the page around already says "Simulated" (the desktop page header does, for admins). */
  simulatorShown: boolean;
}

/** ThreadView is one conversation: the texts, oldest at the top, and the composer. Opening it marks it read. */
export function ThreadView({ threadId, listed, provider, back, simulatorShown }: Props) {
  const qc = useQueryClient();
  const thread = useThread(threadId);
  const messages = useMessages(threadId);
  const t = thread.data ?? listed;

  // Opening the conversation reads it; so does a reply arriving while it is open.
  const unread = t?.unread_count ?? 0;
  const markRead = useMutation({
    mutationFn: () => call(api.POST('/api/sms/threads/{id}/read', { params: { path: { id: threadId } } })),
    onSuccess: () => {
      qc.setQueryData<SmsThread>(phoneKeys.thread(threadId), (prev) => (prev ? { ...prev, unread_count: 0 } : prev));
      qc.invalidateQueries({ queryKey: phoneKeys.threads });
    },
  });
  const { mutate: read } = markRead;
  // Once per newest message: a failing request is not retried in a loop.
  const readUpTo = useRef('');
  const newest = t?.last_message_at ?? '';
  useEffect(() => {
    if (unread > 0 && readUpTo.current !== newest) {
      readUpTo.current = newest;
      read();
    }
  }, [unread, newest, read]);

  if (thread.isError && isApiError(thread.error, 404, 400, 422)) return <ThreadNotFound />;
  if (thread.isError && !t) return <ErrorState error={thread.error} onRetry={() => thread.refetch()} title="Couldn't load this conversation" />;
  if (!t) {
    return (
      <Center h="100%">
        <Loader size="sm" />
      </Center>
    );
  }

  const list = flattenPages(messages.data).reverse();
  const simulated = !simulatorShown && (provider.simulator === true || list.some((m) => m.simulated));
  // In simulator mode every text is simulated; the tag on each one matters for those sent before a switch to Twilio.
  const tagEach = provider.simulator !== true;

  return (
    <>
      <ThreadHeader t={t} back={back} simulated={simulated} />
      <MessageList
        tagSimulated={tagEach}
        messages={list}
        loading={messages.isPending}
        error={messages.isError ? messages.error : null}
        retry={() => messages.refetch()}
        hasOlder={messages.hasNextPage}
        loadOlder={() => messages.fetchNextPage()}
        loadingOlder={messages.isFetchingNextPage}
      />
      <Composer t={t} provider={provider} lastNumberId={list.findLast((m) => m.phone_number_id)?.phone_number_id ?? null} />
    </>
  );
}

function ThreadHeader({ t, back, simulated }: { t: SmsThread; back: ReactNode; simulated: boolean }) {
  const name = threadName(t);
  return (
    <Group
      justify="space-between"
      px={{ base: 'xs', sm: 'md' }}
      py="sm"
      gap="xs"
      wrap="nowrap"
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
    >
      <Group gap="xs" wrap="nowrap" miw={0}>
        {back}
        <Box miw={0}>
          <Text fw={700} className="crm-truncate" component="h2" size="md" m={0} data-testid="thread-title">
            {t.contact_id ? (
              <Anchor component={Link} to={`/contacts/${t.contact_id}`} inherit c="inherit">
                {name}
              </Anchor>
            ) : (
              name
            )}
          </Text>
          <Flex gap={6} rowGap={2} direction={{ base: 'column', xs: 'row' }} align={{ base: 'flex-start', xs: 'center' }}>
            {t.contact_name && (
              <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                {formatPhone(t.phone)}
              </Text>
            )}
            {t.opted_out && (
              <Badge
                size="xs"
                color="red"
                variant="light"
                leftSection={<IconMessageOff size={10} />}
                style={{ flexShrink: 0 }}
                data-testid="thread-opted-out-badge"
              >
                Opted out
              </Badge>
            )}
          </Flex>
        </Box>
      </Group>
      <Group gap={6} wrap="nowrap">
        {simulated && <SimulatedBadge size="xs" />}
        <ConsentHistory t={t} />
        {t.contact_id && <CallButton contactId={t.contact_id} name={name} phone={t.phone} variant="default" />}
      </Group>
    </Group>
  );
}

interface MessageListProps {
  tagSimulated: boolean;
  messages: SmsMessage[];
  loading: boolean;
  error: unknown;
  retry: () => void;
  hasOlder: boolean;
  loadOlder: () => void;
  loadingOlder: boolean;
}

function MessageList({ tagSimulated, messages, loading, error, retry, hasOlder, loadOlder, loadingOlder }: MessageListProps) {
  const me = useSession();
  const tz = me.timezone;
  const viewport = useRef<HTMLDivElement>(null);
  const lastId = messages.length > 0 ? messages[messages.length - 1].id : '';
  // Stay at the newest text when one arrives (but not when older ones are loaded above).
  useEffect(() => {
    const el = viewport.current;
    if (el) el.scrollTo({ top: el.scrollHeight });
  }, [lastId]);

  return (
    <ScrollArea style={{ flex: 1 }} viewportRef={viewport} type="auto" bg="var(--mantine-color-body)">
      <Stack gap={6} p={{ base: 'sm', sm: 'md' }} role="log" aria-label="Messages" aria-live="polite" data-testid="sms-messages">
        {hasOlder && (
          <Group justify="center">
            <Button variant="subtle" size="xs" onClick={loadOlder} loading={loadingOlder}>
              Load older messages
            </Button>
          </Group>
        )}
        {loading ? (
          <Center py="xl">
            <Loader size="sm" />
          </Center>
        ) : error ? (
          <ErrorState error={error} onRetry={retry} title="Couldn't load the messages" />
        ) : messages.length === 0 ? (
          <Text size="sm" c="dimmed" ta="center" py="xl">
            No messages yet. Write the first one below.
          </Text>
        ) : (
          messages.map((m, i) => {
            const day = formatDate(m.created_at, tz);
            const newDay = i === 0 || formatDate(messages[i - 1].created_at, tz) !== day;
            return (
              <Fragment key={m.id}>
                {newDay && <Divider label={day} labelPosition="center" my="xs" />}
                <Bubble m={m} tagSimulated={tagSimulated} />
              </Fragment>
            );
          })
        )}
      </Stack>
    </ScrollArea>
  );
}

function Bubble({ m, tagSimulated }: { m: SmsMessage; tagSimulated: boolean }) {
  const me = useSession();
  const out = m.direction === 'outbound';
  const time = timeIn(new Date(m.created_at), me.timezone);
  const by = m.automated ? 'Automatic reply' : out && m.sent_by_name ? (m.sent_by === me.user.id ? 'You' : m.sent_by_name) : '';
  const media = m.media_urls ?? [];
  return (
    <Stack gap={2} align={out ? 'flex-end' : 'flex-start'} data-testid="sms-message" data-direction={m.direction} data-status={m.status}>
      <Box
        px="sm"
        py={8}
        maw="min(520px, 85%)"
        style={{
          borderRadius: 16,
          borderBottomRightRadius: out ? 4 : 16,
          borderBottomLeftRadius: out ? 16 : 4,
          background: out ? 'var(--mantine-color-brand-filled)' : 'var(--mantine-color-default-hover)',
          color: out ? 'var(--mantine-color-white)' : 'var(--mantine-color-text)',
          border: out ? undefined : '1px solid var(--mantine-color-default-border)',
          wordBreak: 'break-word',
        }}
      >
        {m.body && (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="sms-body">
            {m.body}
          </Text>
        )}
        {media.length > 0 && (
          <Stack gap={2} mt={m.body ? 6 : 0}>
            {media.map((url, i) => (
              <Anchor key={url} href={url} target="_blank" rel="noopener noreferrer" size="xs" c={out ? 'white' : undefined} underline="always">
                <Group gap={4} wrap="nowrap" component="span">
                  <IconPaperclip size={12} /> Attachment {media.length > 1 ? i + 1 : ''}
                </Group>
              </Anchor>
            ))}
          </Stack>
        )}
      </Box>
      <Group gap={6} wrap="wrap" justify={out ? 'flex-end' : 'flex-start'} px={4}>
        <Tooltip label={formatDateTime(m.created_at, me.timezone)}>
          <Text size="xs" c="dimmed">
            {time}
          </Text>
        </Tooltip>
        {by && (
          <Text size="xs" c="dimmed">
            · {by}
          </Text>
        )}
        {m.segments > 1 && (
          <Text size="xs" c="dimmed">
            · {m.segments} segments
          </Text>
        )}
        {out && <SmsStatusLine m={m} />}
        {m.simulated && tagSimulated && (
          <Tooltip label="Sent by the simulator; nothing really left">
            <Group gap={2} c="grape" wrap="nowrap">
              <IconFlask size={12} />
              <Text size="xs">Simulated</Text>
            </Group>
          </Tooltip>
        )}
      </Group>
    </Stack>
  );
}

const FIELDS = ['body', 'from_number_id', 'to', 'contact_id'] as const;

function Composer({ t, provider, lastNumberId }: { t: SmsThread; provider: Provider; lastNumberId: string | null }) {
  const qc = useQueryClient();
  const counterId = useId();
  const [body, setBody] = useState('');
  const [from, setFrom] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  // One key per compose attempt: a retry after a network error cannot send twice.
  const key = useRef<string | null>(null);
  const numbers = provider.numbers;
  const fromId = from ?? (numbers.some((n) => n.id === lastNumberId) ? lastNumberId : (provider.defaultNumber?.id ?? null));
  const fromOptions = useMemo(() => numbers.map((n) => numberOption(n)), [numbers]);
  const count = countSms(body);

  const send = useMutation({
    mutationFn: (v: { body: string; from: string | null; key: string }) =>
      call(
        api.POST('/api/sms/messages', {
          body: { to: t.phone, body: v.body, ...(v.from ? { from_number_id: v.from } : {}) },
          headers: { 'Idempotency-Key': v.key },
        }),
      ),
    onSuccess: (m) => {
      setBody('');
      key.current = null;
      setErrors({});
      setGeneral(null);
      qc.setQueryData(phoneKeys.messages(t.id), (prev: typeof undefined | { pages: { items?: SmsMessage[] | null }[]; pageParams: unknown[] }) =>
        prev && prev.pages.length > 0 && !(prev.pages[0].items ?? []).some((x) => x.id === m.id)
          ? { ...prev, pages: [{ ...prev.pages[0], items: [m, ...(prev.pages[0].items ?? [])] }, ...prev.pages.slice(1)] }
          : prev,
      );
      refreshAfterSms(qc);
    },
    onError: (err) => {
      if (isApiError(err, 400, 409, 422) && err.problem.errors?.length) {
        const r = fieldErrors(err.problem, FIELDS);
        setErrors(r.fields);
        setGeneral(r.general.length > 0 ? r.general.join(' ') : null);
      } else {
        setErrors({});
        setGeneral(errorMessage(err));
      }
    },
  });

  const blocked = t.opted_out;
  const noNumbers = provider.numbersLoaded && numbers.length === 0;
  const canSend = body.trim() !== '' && !count.tooLong && !blocked && !noNumbers;
  const submit = () => {
    if (!canSend || send.isPending) return;
    key.current ??= newIdempotencyKey();
    send.mutate({ body, from: fromId, key: key.current });
  };
  // The server's word on who may be texted ("has opted out…") belongs above the box, not under a hidden field.
  const recipientError = errors.to || errors.contact_id;

  return (
    <Box p={{ base: 'xs', sm: 'sm' }} style={{ borderTop: '1px solid var(--mantine-color-default-border)' }} data-testid="sms-composer">
      {blocked && (
        <Alert color="red" variant="light" icon={<IconMessageOff size={18} />} mb="xs" p="xs" data-testid="opted-out-note">
          <Text size="sm">
            <b>Opted out of SMS.</b> {threadName(t)} replied STOP, so texts to {formatPhone(t.phone)} are blocked until they text START to this
            number.
          </Text>
        </Alert>
      )}
      {(general || recipientError) && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} mb="xs" p="xs" role="alert">
          {recipientError || general}
        </Alert>
      )}
      {noNumbers && (
        <Alert color="yellow" variant="light" mb="xs" p="xs">
          The company has no phone number to send from.{' '}
          {provider.admin ? (
            <Anchor component={Link} to="/settings/phone" size="sm">
              Add one in Settings → Phone
            </Anchor>
          ) : (
            'Ask an admin to add one in Settings → Phone.'
          )}
        </Alert>
      )}
      <Textarea
        aria-label="Message"
        aria-describedby={counterId}
        placeholder={blocked ? 'Texting is blocked: this person opted out' : 'Write a text… (Ctrl+Enter sends)'}
        autosize
        minRows={2}
        maxRows={6}
        value={body}
        disabled={blocked}
        onChange={(e) => {
          setBody(e.currentTarget.value);
          key.current = null;
          if (errors.body) setErrors(({ body: _, ...rest }) => rest);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
            e.preventDefault();
            submit();
          }
        }}
        error={errors.body}
      />
      <Group justify="space-between" mt={6} gap="xs" wrap="wrap">
        <SmsCounter body={body} id={counterId} />
        <Group gap="xs" wrap="nowrap" ml="auto">
          {numbers.length > 1 && (
            <Select
              aria-label="From"
              size="xs"
              data={fromOptions}
              value={fromId}
              onChange={(v) => v && setFrom(v)}
              allowDeselect={false}
              w={{ base: 150, sm: 210 }}
              error={errors.from_number_id}
              leftSection={
                <Text size="xs" c="dimmed" pl={6}>
                  From
                </Text>
              }
              leftSectionWidth={44}
              comboboxProps={{ withinPortal: true }}
            />
          )}
          {numbers.length === 1 && (
            <Text size="xs" c="dimmed" visibleFrom="xs">
              From {formatPhone(numbers[0].number)}
            </Text>
          )}
          <Button size="xs" leftSection={<IconSend size={14} />} onClick={submit} disabled={!canSend} loading={send.isPending}>
            Send
          </Button>
        </Group>
      </Group>
      {errors.from_number_id && numbers.length <= 1 && (
        <Text size="xs" c="red" mt={4}>
          {errors.from_number_id}
        </Text>
      )}
    </Box>
  );
}
