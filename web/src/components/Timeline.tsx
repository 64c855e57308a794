import {
  ActionIcon,
  Anchor,
  Badge,
  Box,
  Button,
  Card,
  Checkbox,
  Group,
  Menu,
  Paper,
  SegmentedControl,
  Skeleton,
  Spoiler,
  Stack,
  Text,
  TextInput,
  Textarea,
  ThemeIcon,
  Timeline as MTimeline,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconArrowRight,
  IconCalendarEvent,
  IconCheckbox,
  IconDots,
  IconGitMerge,
  IconNote,
  IconPencil,
  IconMessage,
  IconPhone,
  IconPhoneIncoming,
  IconPhoneOutgoing,
  IconPlus,
  IconTimeline,
  IconTrash,
} from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import {
  flattenPages,
  isDoable,
  refreshAfterActivityChange,
  useTimeline,
  type Activity,
  type TimelineItem,
  type TimelineKind,
} from '../api/activities';
import { api, call } from '../api/client';
import { useUsers } from '../api/queries';
import type { components } from '../api/schema';
import { splitNote } from '../lib/activityForm';
import { formatDateTime, formatDuration, formatPhone, formatRelative, fullName } from '../lib/format';
import { dueLabel, zonedToISO, dateIn } from '../lib/zoned';
import { ActivityFormModal } from './ActivityFormModal';
import { notifyCompleted, typeLabel, useDeleteActivity, useToggleDone } from './activityActions';
import { notifyError, notifySuccess } from './notify';
import { CallStatusBadge, SmsStatusLine } from './phone';
import { useSession } from './session';
import { ErrorState } from './States';

type StageChange = components['schemas']['StageChange'];
type TimelineSMS = components['schemas']['TimelineSMS'];
type TimelineCall = components['schemas']['TimelineCall'];

interface TimelineProps {
  /** Whose feed: a contact's (its activities, its deals' activities and stage changes) or a deal's. */
  kind: TimelineKind;
  /** The contact's or deal's id. */
  id: string;
}

/**
 * Timeline is the feed of a contact or a deal: activities and stage changes,
 * newest first, older pages on demand, with a composer on top to add a note,
 * log a call or set a task linked to it, texts and phone calls among them.
 * Item kinds it does not know are skipped.
 *
 *   <Timeline kind="deal" id={deal.id} />
 */
export function Timeline({ kind, id }: TimelineProps) {
  const feed = useTimeline(kind, id);
  const items = useMemo(() => withoutCallNotes(flattenPages(feed.data).filter(isKnown)), [feed.data]);

  return (
    <Card p={{ base: 'md', sm: 'lg' }} data-testid="timeline">
      <Group justify="space-between" mb="md" gap="xs">
        <Title order={2}>Activity</Title>
      </Group>
      <Composer kind={kind} id={id} />
      <Box mt="lg">
        {feed.isPending ? (
          <FeedSkeleton />
        ) : feed.isError ? (
          <ErrorState error={feed.error} onRetry={() => feed.refetch()} title="Couldn't load the timeline" />
        ) : items.length === 0 ? (
          <Stack align="center" gap={6} py="xl" ta="center">
            <ThemeIcon size={44} radius="xl" variant="light">
              <IconTimeline size={22} />
            </ThemeIcon>
            <Text fw={600}>Nothing here yet</Text>
            <Text size="sm" c="dimmed" maw={360}>
              Add a note, log a call or set a task above. Everything about this {kind} shows up here, newest first
              {kind === 'contact' ? ', including its deals’ stage changes' : ''}.
            </Text>
          </Stack>
        ) : (
          <>
            <MTimeline
              bulletSize={30}
              lineWidth={2}
              data-testid="timeline-feed"
              styles={{ itemBullet: { border: 0, backgroundColor: 'var(--mantine-color-body)' } }}
            >
              {items.map((item) => (
                <FeedItem key={`${item.kind}-${item.id}`} item={item} kind={kind} />
              ))}
            </MTimeline>
            {feed.hasNextPage && (
              <Group justify="center" mt="md">
                <Button variant="default" onClick={() => feed.fetchNextPage()} loading={feed.isFetchingNextPage}>
                  Load older
                </Button>
              </Group>
            )}
          </>
        )}
      </Box>
    </Card>
  );
}

/** isKnown keeps the kinds this client can show; the server may add more later. */
function isKnown(item: TimelineItem): boolean {
  if (item.kind === 'activity') return Boolean(item.activity);
  if (item.kind === 'stage_change') return Boolean(item.stage_change);
  if (item.kind === 'sms') return Boolean(item.sms);
  if (item.kind === 'call') return Boolean(item.call);
  return false;
}

/* ---- composer ---- */

type QuickType = 'note' | 'call' | 'task';

const QUICK: Record<QuickType, { label: string; placeholder: string; button: string }> = {
  note: { label: 'Note', placeholder: 'Write a note… (the first line is its title)', button: 'Add note' },
  call: { label: 'Call', placeholder: 'What was the call about? (the first line is its title)', button: 'Log call' },
  task: { label: 'Task', placeholder: 'What needs doing?', button: 'Add task' },
};

function Composer({ kind, id }: TimelineProps) {
  const me = useSession();
  const qc = useQueryClient();
  const tz = me.timezone;
  const [type, setType] = useState<QuickType>('note');
  const [text, setText] = useState('');
  const [date, setDate] = useState('');
  const [time, setTime] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [moreOpened, more] = useDisclosure(false);

  const add = useMutation({
    mutationFn: () => {
      const { subject, body } = splitNote(text);
      const due = type === 'task' && date ? (zonedToISO(date, time || '09:00', tz) ?? '') : '';
      return call(
        api.POST('/api/activities', {
          body: {
            type,
            subject,
            body,
            ...(due ? { due_at: due } : {}),
            ...(kind === 'contact' ? { contact_id: id } : { deal_id: id }),
            ...(type === 'call' ? { done: true } : {}),
          },
        }),
      );
    },
    onSuccess: (a) => {
      setText('');
      setDate('');
      setTime('');
      setError(null);
      refreshAfterActivityChange(qc);
      notifySuccess(type === 'call' ? 'Call logged.' : `${typeLabel(a.type)} added.`);
    },
    onError: (err) => notifyError(err, `Could not add the ${type}`),
  });

  const submit = () => {
    if (!text.trim()) {
      setError(type === 'task' ? 'Say what needs doing' : `Write something first`);
      return;
    }
    add.mutate();
  };

  return (
    <Paper p="sm" bg="var(--mantine-color-default-hover)" withBorder={false} radius="md">
      <Stack gap="xs">
        <SegmentedControl
          size="xs"
          aria-label="What to add"
          value={type}
          onChange={(v) => {
            setType(v as QuickType);
            setError(null);
          }}
          data={(Object.keys(QUICK) as QuickType[]).map((t) => ({ value: t, label: QUICK[t].label }))}
          style={{ alignSelf: 'flex-start' }}
        />
        {type === 'task' ? (
          <TextInput
            aria-label="Task"
            placeholder={QUICK.task.placeholder}
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
              setError(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                submit();
              }
            }}
            error={error}
          />
        ) : (
          <Textarea
            aria-label={type === 'note' ? 'Note' : 'Call summary'}
            placeholder={QUICK[type].placeholder}
            autosize
            minRows={2}
            maxRows={8}
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
              setError(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) submit();
            }}
            error={error}
          />
        )}
        <Group justify="space-between" gap="xs" wrap="wrap">
          {type === 'task' ? (
            <Group gap="xs" wrap="nowrap" style={{ flex: '1 1 220px' }}>
              <TextInput
                aria-label="Due date"
                type="date"
                size="xs"
                value={date}
                onChange={(e) => {
                  setDate(e.currentTarget.value);
                  if (e.currentTarget.value && !time) setTime('09:00');
                }}
                style={{ flex: 1 }}
              />
              <TextInput
                aria-label="Due time"
                type="time"
                size="xs"
                value={time}
                onChange={(e) => setTime(e.currentTarget.value)}
                style={{ flex: 1 }}
              />
            </Group>
          ) : (
            <Text size="xs" c="dimmed" visibleFrom="xs">
              {type === 'call' ? 'Logged as done now.' : 'Visible to everyone in the company.'}
            </Text>
          )}
          <Group gap="xs" ml="auto">
            <Button size="xs" variant="subtle" onClick={more.open}>
              More options
            </Button>
            <Button size="xs" leftSection={<IconPlus size={14} />} onClick={submit} loading={add.isPending}>
              {QUICK[type].button}
            </Button>
          </Group>
        </Group>
      </Stack>
      <ActivityFormModal
        opened={moreOpened}
        onClose={more.close}
        defaults={{
          type,
          contactId: kind === 'contact' ? id : null,
          dealId: kind === 'deal' ? id : null,
          dueDate: type === 'task' ? date || dateIn(new Date(), tz) : undefined,
        }}
        onSaved={() => setText('')}
      />
    </Paper>
  );
}

/**
 * withoutCallNotes drops the call activity that holds a call's notes when the
 * call itself is on the page: the call entry shows the notes already.
 */
function withoutCallNotes<T extends { kind: string; id: string; call?: { activity_id?: string | null } | null }>(items: T[]): T[] {
  const notes = new Set(items.flatMap((i) => (i.kind === 'call' && i.call?.activity_id ? [i.call.activity_id] : [])));
  return notes.size === 0 ? items : items.filter((i) => !(i.kind === 'activity' && notes.has(i.id)));
}

/* ---- feed items ---- */

const TYPE_STYLE: Record<string, { color: string; icon: ReactNode }> = {
  task: { color: 'brand', icon: <IconCheckbox size={16} /> },
  note: { color: 'yellow', icon: <IconNote size={16} /> },
  call: { color: 'teal', icon: <IconPhone size={16} /> },
  meeting: { color: 'grape', icon: <IconCalendarEvent size={16} /> },
  system: { color: 'gray', icon: <IconGitMerge size={16} /> },
};

function FeedItem({ item, kind }: { item: TimelineItem; kind: TimelineKind }) {
  if (item.kind === 'activity' && item.activity) {
    const style = TYPE_STYLE[item.activity.type] ?? TYPE_STYLE.note;
    return (
      <MTimeline.Item
        bullet={
          <ThemeIcon size={30} radius="xl" variant="light" color={style.color}>
            {style.icon}
          </ThemeIcon>
        }
        lineVariant={item.activity.type === 'system' ? 'dashed' : 'solid'}
        data-testid="timeline-item"
        data-kind={item.activity.type}
      >
        {item.activity.type === 'system' ? (
          <SystemEntry a={item.activity} at={item.at} />
        ) : (
          <ActivityEntry a={item.activity} at={item.at} kind={kind} />
        )}
      </MTimeline.Item>
    );
  }
  if (item.kind === 'stage_change' && item.stage_change) {
    return (
      <MTimeline.Item
        bullet={
          <ThemeIcon size={30} radius="xl" variant="light" color="cyan">
            <IconArrowRight size={16} />
          </ThemeIcon>
        }
        data-testid="timeline-item"
        data-kind="stage_change"
      >
        <StageChangeEntry c={item.stage_change} kind={kind} />
      </MTimeline.Item>
    );
  }
  if (item.kind === 'sms' && item.sms) {
    const inbound = item.sms.direction === 'inbound';
    return (
      <MTimeline.Item
        bullet={
          <ThemeIcon size={30} radius="xl" variant="light" color={inbound ? 'cyan' : 'blue'}>
            <IconMessage size={16} />
          </ThemeIcon>
        }
        data-testid="timeline-item"
        data-kind="sms"
      >
        <SmsEntry m={item.sms} at={item.at} />
      </MTimeline.Item>
    );
  }
  if (item.kind === 'call' && item.call) {
    return (
      <MTimeline.Item
        bullet={
          <ThemeIcon size={30} radius="xl" variant="light" color="teal">
            {item.call.direction === 'inbound' ? <IconPhoneIncoming size={16} /> : <IconPhoneOutgoing size={16} />}
          </ThemeIcon>
        }
        data-testid="timeline-item"
        data-kind="call-log"
      >
        <CallEntry c={item.call} at={item.at} />
      </MTimeline.Item>
    );
  }
  return null;
}

/** SmsEntry is a text on a timeline: who, the words in a bubble, and how delivery went. */
function SmsEntry({ m, at }: { m: TimelineSMS; at: string }) {
  const inbound = m.direction === 'inbound';
  const by = m.sent_by_name;
  return (
    <Box pl={4} miw={0}>
      <Group justify="space-between" align="flex-start" gap="xs" wrap="nowrap">
        <Text size="sm" fw={600}>
          {inbound ? 'Text received' : 'Text sent'}
          {!inbound && by ? (
            <Text span size="sm" c="dimmed" fw={400}>
              {' '}
              by {by}
            </Text>
          ) : null}
        </Text>
        <When at={at} />
      </Group>
      <Box
        mt={6}
        px="sm"
        py={6}
        maw="min(480px, 100%)"
        data-testid="timeline-sms-body"
        style={{
          borderRadius: 14,
          borderBottomLeftRadius: inbound ? 4 : 14,
          background: inbound ? 'var(--mantine-color-default-hover)' : 'var(--mantine-color-brand-light)',
          border: '1px solid var(--mantine-color-default-border)',
          wordBreak: 'break-word',
        }}
      >
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} lineClamp={6}>
          {m.body || ((m.media_urls ?? []).length > 0 ? 'Media message' : '')}
        </Text>
      </Box>
      <Group gap={8} mt={4} wrap="wrap">
        {!inbound && <SmsStatusLine m={m} />}
        <Text size="xs" c="dimmed">
          {inbound ? `from ${formatPhone(m.from)}` : `to ${formatPhone(m.to)}`}
        </Text>
        <Anchor component={Link} to={`/sms/${m.thread_id}`} size="xs">
          Open conversation
        </Anchor>
      </Group>
    </Box>
  );
}

/** CallEntry is a logged phone call: direction, outcome, length and the notes taken. */
function CallEntry({ c, at }: { c: TimelineCall; at: string }) {
  const by = c.user_name;
  return (
    <Box pl={4} miw={0}>
      <Group justify="space-between" align="flex-start" gap="xs" wrap="nowrap">
        <Box miw={0}>
          <Text size="sm" fw={600}>
            {c.direction === 'inbound' ? 'Incoming call' : 'Outgoing call'}
            {by ? (
              <Text span size="sm" c="dimmed" fw={400}>
                {' '}
                {c.direction === 'inbound' ? 'answered by' : 'by'} {by}
              </Text>
            ) : null}
          </Text>
          <Group gap={6} mt={2} wrap="wrap">
            <CallStatusBadge c={c} />
            <Text span size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
              {formatDuration(c.duration_seconds)}
            </Text>
            {c.has_recording && (
              <Text span size="xs" c="dimmed">
                · recorded
              </Text>
            )}
            <Anchor component={Link} to={`/calls?call=${c.id}`} size="xs">
              Details
            </Anchor>
          </Group>
        </Box>
        <When at={at} />
      </Group>
      {c.notes && (
        <Text size="sm" mt={6} lineClamp={4} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="timeline-call-notes">
          {c.notes}
        </Text>
      )}
    </Box>
  );
}

function When({ at }: { at: string }) {
  const me = useSession();
  return (
    <Tooltip label={formatDateTime(at, me.timezone)}>
      <Text span size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
        {formatRelative(at)}
      </Text>
    </Tooltip>
  );
}

function useUserName() {
  const me = useSession();
  const users = useUsers();
  return useMemo(() => {
    const m = new Map((users.data ?? []).map((u) => [u.id, u.name || u.email]));
    return (id: string | null | undefined) => (!id ? null : id === me.user.id ? 'You' : (m.get(id) ?? null));
  }, [users.data, me.user.id]);
}

function ActivityEntry({ a, at, kind }: { a: Activity; at: string; kind: TimelineKind }) {
  const me = useSession();
  const userName = useUserName();
  const toggle = useToggleDone();
  const del = useDeleteActivity();
  const [editOpened, edit] = useDisclosure(false);
  const done = a.done_at != null;
  const by = userName(a.created_by);
  const due = a.due_at && isDoable(a.type) ? dueLabel(a.due_at, me.timezone) : null;
  const linked =
    kind === 'contact' && a.deal_id && a.deal_title ? (
      <Anchor component={Link} to={`/deals/${a.deal_id}`} size="xs">
        {a.deal_title}
      </Anchor>
    ) : kind === 'deal' && a.contact_id && a.contact_name ? (
      <Anchor component={Link} to={`/contacts/${a.contact_id}`} size="xs">
        {a.contact_name}
      </Anchor>
    ) : null;

  return (
    <Box pl={4} miw={0}>
      <Group justify="space-between" align="flex-start" gap="xs" wrap="nowrap">
        <Group gap="xs" align="flex-start" wrap="nowrap" miw={0} style={{ flex: 1 }}>
          {isDoable(a.type) && (
            <Checkbox
              mt={2}
              size="sm"
              radius="xl"
              aria-label={done ? `Reopen “${a.subject}”` : `Mark “${a.subject}” done`}
              checked={done}
              onChange={(e) => {
                const next = e.currentTarget.checked;
                toggle.mutate({ activity: a, done: next });
                if (next) notifyCompleted(a, () => toggle.mutate({ activity: { ...a, done_at: new Date().toISOString() }, done: false }));
              }}
            />
          )}
          <Box miw={0} style={{ flex: 1 }}>
            <Text
              fw={600}
              size="sm"
              td={done && a.type === 'task' ? 'line-through' : undefined}
              c={done && a.type === 'task' ? 'dimmed' : undefined}
              style={{ wordBreak: 'break-word' }}
            >
              {a.subject}
            </Text>
            <Group gap={6} mt={2} wrap="wrap">
              <Badge size="xs" variant="light" color={TYPE_STYLE[a.type]?.color}>
                {typeLabel(a.type)}
              </Badge>
              {done && a.type !== 'note' && (
                <Badge size="xs" variant="light" color="teal">
                  Done
                </Badge>
              )}
              {due && !done && (
                <Text span size="xs" c={due.bucket === 'overdue' ? 'red' : 'dimmed'} fw={due.bucket === 'overdue' ? 600 : undefined}>
                  Due {due.text}
                </Text>
              )}
              {a.assignee_name && a.assignee_id !== a.created_by && (
                <Text span size="xs" c="dimmed">
                  for {a.assignee_id === me.user.id ? 'you' : a.assignee_name}
                </Text>
              )}
              {linked}
            </Group>
          </Box>
        </Group>
        <Group gap={4} wrap="nowrap">
          <When at={at} />
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" size="sm" aria-label={`Actions for “${a.subject}”`}>
                <IconDots size={16} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconPencil size={14} />} onClick={edit.open}>
                Edit
              </Menu.Item>
              <Menu.Item leftSection={<IconTrash size={14} />} color="red" onClick={() => del.confirm(a)}>
                Delete
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
      {/* Text lines up with the subject, right of the checkbox. */}
      <Box pl={isDoable(a.type) ? 30 : 0}>
        {a.body && (
          <Spoiler
            maxHeight={88}
            showLabel="Show more"
            hideLabel="Show less"
            mt={6}
            styles={{ control: { fontSize: 'var(--mantine-font-size-xs)' } }}
          >
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
              {a.body}
            </Text>
          </Spoiler>
        )}
        {by && (
          <Text size="xs" c="dimmed" mt={4}>
            {a.type === 'call' ? 'Logged' : 'Added'} by {by}
          </Text>
        )}
      </Box>
      <ActivityFormModal opened={editOpened} onClose={edit.close} activity={a} />
    </Box>
  );
}

/** mergedSummary reads the merged contact the server keeps in a merge entry's body. */
function mergedSummary(body: string): string | null {
  try {
    const c = JSON.parse(body) as { first_name?: string; last_name?: string; email?: string | null; phone?: string | null; company_name?: string };
    if (!c || typeof c !== 'object') return null;
    const parts = [fullName(c), c.email && c.email !== fullName(c) ? c.email : null, formatPhone(c.phone), c.company_name].filter(Boolean);
    return parts.length > 0 ? parts.join(' · ') : null;
  } catch {
    return null;
  }
}

function SystemEntry({ a, at }: { a: Activity; at: string }) {
  const userName = useUserName();
  const del = useDeleteActivity();
  const by = userName(a.created_by);
  const summary = mergedSummary(a.body);
  return (
    <Paper
      p="xs"
      px="sm"
      ml={4}
      radius="md"
      withBorder
      style={{ borderStyle: 'dashed', background: 'var(--mantine-color-default-hover)' }}
      data-testid="timeline-system"
    >
      <Group justify="space-between" align="flex-start" gap="xs" wrap="nowrap">
        <Box miw={0}>
          <Text size="sm" fw={600} style={{ wordBreak: 'break-word' }}>
            {a.subject}
          </Text>
          {summary && (
            <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
              Was: {summary}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            System entry{by ? ` · by ${by}` : ''}
          </Text>
        </Box>
        <Group gap={4} wrap="nowrap">
          <When at={at} />
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" size="sm" aria-label="Actions for this entry">
                <IconDots size={16} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconTrash size={14} />} color="red" onClick={() => del.confirm(a)}>
                Delete entry
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
    </Paper>
  );
}

function StageChangeEntry({ c, kind }: { c: StageChange; kind: TimelineKind }) {
  const userName = useUserName();
  // "You" for the caller, like the activities around it; the server's name for anyone else.
  const by = userName(c.changed_by) || c.changed_by_name;
  const deal =
    kind === 'contact' ? (
      <Anchor component={Link} to={`/deals/${c.deal_id}`} fw={600} size="sm">
        {c.deal_title}
      </Anchor>
    ) : null;
  const stage = (name: string) => (
    <Text span fw={600} size="sm">
      {name || 'a removed stage'}
    </Text>
  );
  return (
    <Box pl={4} miw={0}>
      <Group justify="space-between" align="flex-start" gap="xs" wrap="nowrap">
        <Text size="sm" style={{ wordBreak: 'break-word' }}>
          {c.from_stage ? (
            <>
              {deal ?? 'Deal'} moved from {stage(c.from_stage)} to {stage(c.to_stage)}
            </>
          ) : (
            <>
              {deal ?? 'Deal'} created in {stage(c.to_stage)}
            </>
          )}
        </Text>
        <When at={c.changed_at} />
      </Group>
      {by && (
        <Text size="xs" c="dimmed" mt={2}>
          by {by}
        </Text>
      )}
    </Box>
  );
}

function FeedSkeleton() {
  return (
    <Stack gap="lg" aria-busy="true" aria-label="Loading the timeline">
      {Array.from({ length: 3 }, (_, i) => (
        <Group key={i} gap="sm" wrap="nowrap" align="flex-start">
          <Skeleton circle height={30} />
          <Stack gap={6} style={{ flex: 1 }}>
            <Skeleton height={10} width="50%" />
            <Skeleton height={8} width="30%" />
          </Stack>
        </Group>
      ))}
    </Stack>
  );
}
