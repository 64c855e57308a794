import { ActionIcon, Badge, Box, Button, Card, Group, Paper, ScrollArea, Skeleton, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconArrowLeft, IconFlask, IconMessagePlus, IconMessages, IconPlugConnected } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { flattenPages } from '../../api/activities';
import { useThreads, type SmsThread } from '../../api/phone';
import { PageHeader } from '../../components/PageHeader';
import { SimulatedBadge } from '../../components/phone';
import { EmptyState, ErrorState } from '../../components/States';
import { useSession } from '../../components/session';
import { formatDateTime, formatRelative, initials } from '../../lib/format';
import { dateIn, timeIn, validZone } from '../../lib/zoned';
import { NewMessageModal } from './NewMessageModal';
import { SimulateSmsModal } from './SimulateSmsModal';
import { threadName } from './common';
import { ThreadView } from './ThreadView';
import { useProvider } from './useProvider';

/**
 * SmsPage is the company's text conversations: the list on the left (the
 * whole page on a phone), the open conversation on the right. Both refresh
 * every few seconds, so replies and delivery receipts appear on their own.
 */
export function SmsPage() {
  const { threadId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const narrow = useMediaQuery('(max-width: 48em)', false, { getInitialValueInEffect: false });
  const provider = useProvider();
  const threads = useThreads();
  const items = useMemo(() => flattenPages(threads.data), [threads.data]);
  const composeTo = params.get('to');
  const [composing, setComposing] = useState(false);
  const [simulating, setSimulating] = useState(false);
  const newOpen = composing || composeTo !== null;
  const closeNew = () => {
    setComposing(false);
    if (composeTo !== null) {
      const next = new URLSearchParams(params);
      next.delete('to');
      setParams(next, { replace: true });
    }
  };
  const current = items.find((t) => t.id === threadId);
  // Members cannot read the settings (admin only), so only admins see the simulator's tools.
  const simulator = provider.simulator === true;
  const connected = provider.numbers.length > 0;
  const setup = provider.numbersLoaded && !connected && items.length === 0;
  const showList = !narrow || !threadId;
  const showThread = !narrow || Boolean(threadId);

  const actions = (
    <>
      {simulator && <SimulatedBadge size="md" />}
      {simulator && connected && (
        <Button variant="default" leftSection={<IconFlask size={16} />} onClick={() => setSimulating(true)}>
          Simulate inbound SMS
        </Button>
      )}
      <Button leftSection={<IconMessagePlus size={16} />} onClick={() => setComposing(true)} disabled={!connected}>
        New message
      </Button>
    </>
  );

  let body;
  if (setup) {
    body = (
      <Card p={0}>
        <EmptyState
          icon={<IconPlugConnected size={28} />}
          title="Texting is not set up yet"
          action={
            provider.admin ? (
              <Button component={Link} to="/settings/phone" leftSection={<IconPlugConnected size={16} />}>
                Connect Twilio in Settings → Phone
              </Button>
            ) : undefined
          }
        >
          {provider.admin
            ? 'Connect your Twilio account (or try the built-in simulator) and add a phone number. Then text contacts from here and from their pages.'
            : 'An admin of your company needs to connect Twilio and add a phone number first. Ask them to open Settings → Phone.'}
        </EmptyState>
      </Card>
    );
  } else {
    body = (
      <Paper
        withBorder
        radius="md"
        style={{ display: 'flex', overflow: 'hidden' }}
        h={narrow ? 'calc(100dvh - 60px - 24px - 12px)' : 'calc(100dvh - 60px - 40px - 96px)'}
        mih={420}
        data-testid="sms-panes"
      >
        {showList && (
          <Box
            w={narrow ? '100%' : 320}
            style={{
              flexShrink: 0,
              borderRight: narrow ? undefined : '1px solid var(--mantine-color-default-border)',
              display: 'flex',
              flexDirection: 'column',
            }}
          >
            {narrow && (
              <Group justify="space-between" p="sm" gap="xs" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
                <Group gap="xs">
                  <Text fw={700} size="lg">
                    SMS
                  </Text>
                  {simulator && <SimulatedBadge size="xs" />}
                </Group>
                <Group gap={6}>
                  {simulator && connected && (
                    <Tooltip label="Simulate inbound SMS">
                      <ActionIcon size={36} variant="default" onClick={() => setSimulating(true)} aria-label="Simulate inbound SMS">
                        <IconFlask size={18} />
                      </ActionIcon>
                    </Tooltip>
                  )}
                  <Button size="sm" leftSection={<IconMessagePlus size={16} />} onClick={() => setComposing(true)} disabled={!connected}>
                    New
                  </Button>
                </Group>
              </Group>
            )}
            <ThreadList
              threads={items}
              loading={threads.isPending}
              error={threads.isError ? threads.error : null}
              retry={() => threads.refetch()}
              activeId={threadId}
              hasMore={threads.hasNextPage}
              loadMore={() => threads.fetchNextPage()}
              loadingMore={threads.isFetchingNextPage}
              onNew={() => setComposing(true)}
              connected={connected}
            />
          </Box>
        )}
        {showThread && (
          <Box style={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column' }}>
            {threadId ? (
              <ThreadView
                key={threadId}
                threadId={threadId}
                listed={current}
                provider={provider}
                simulatorShown={simulator && !narrow}
                back={
                  narrow ? (
                    <ActionIcon variant="subtle" color="gray" size={36} onClick={() => navigate('/sms')} aria-label="Back to conversations">
                      <IconArrowLeft size={20} />
                    </ActionIcon>
                  ) : null
                }
              />
            ) : (
              <Stack align="center" justify="center" h="100%" gap={6} p="xl" ta="center">
                <IconMessages size={40} stroke={1.3} color="var(--mantine-color-dimmed)" />
                <Text fw={600}>Pick a conversation</Text>
                <Text size="sm" c="dimmed" maw={320}>
                  Choose one on the left, or start a new message to a contact or any number.
                </Text>
              </Stack>
            )}
          </Box>
        )}
      </Paper>
    );
  }

  return (
    <>
      {(!narrow || setup) && (
        <PageHeader title="SMS" description="Text your contacts from the company’s numbers." actions={setup ? undefined : actions} />
      )}
      {body}
      <NewMessageModal opened={newOpen} onClose={closeNew} contactId={composeTo || null} provider={provider} />
      {simulator && <SimulateSmsModal opened={simulating} onClose={() => setSimulating(false)} provider={provider} defaultFrom={current?.phone} />}
    </>
  );
}

interface ThreadListProps {
  threads: SmsThread[];
  loading: boolean;
  error: unknown;
  retry: () => void;
  activeId: string;
  hasMore: boolean;
  loadMore: () => void;
  loadingMore: boolean;
  onNew: () => void;
  connected: boolean;
}

function ThreadList({ threads, loading, error, retry, activeId, hasMore, loadMore, loadingMore, onNew, connected }: ThreadListProps) {
  if (loading) {
    return (
      <Stack p="md" gap="lg" aria-busy="true" aria-label="Loading conversations">
        {Array.from({ length: 5 }, (_, i) => (
          <Group key={i} gap="sm" wrap="nowrap">
            <Skeleton circle height={36} />
            <Stack gap={6} style={{ flex: 1 }}>
              <Skeleton height={10} width="55%" />
              <Skeleton height={8} width="80%" />
            </Stack>
          </Group>
        ))}
      </Stack>
    );
  }
  if (error) return <ErrorState error={error} onRetry={retry} title="Couldn't load conversations" />;
  if (threads.length === 0) {
    return (
      <EmptyState
        icon={<IconMessages size={28} />}
        title="No conversations yet"
        action={
          connected && (
            <Button variant="light" leftSection={<IconMessagePlus size={16} />} onClick={onNew}>
              New message
            </Button>
          )
        }
      >
        Text a contact from here or from their page. Replies to your company numbers show up here too.
      </EmptyState>
    );
  }
  return (
    <ScrollArea style={{ flex: 1 }} type="auto">
      <nav aria-label="Conversations">
        <Stack gap={0} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {threads.map((t) => (
            <li key={t.id}>
              <ThreadRow t={t} active={t.id === activeId} />
            </li>
          ))}
        </Stack>
      </nav>
      {hasMore && (
        <Group justify="center" p="sm">
          <Button variant="default" size="xs" onClick={loadMore} loading={loadingMore}>
            Load older
          </Button>
        </Group>
      )}
    </ScrollArea>
  );
}

function ThreadRow({ t, active }: { t: SmsThread; active: boolean }) {
  const me = useSession();
  const name = threadName(t);
  const unread = t.unread_count > 0;
  return (
    <UnstyledButton
      component={Link}
      to={`/sms/${t.id}`}
      aria-current={active ? 'page' : undefined}
      data-testid="sms-thread"
      data-name={name}
      data-unread={t.unread_count}
      px="md"
      py="sm"
      w="100%"
      display="block"
      className="crm-thread-row"
      data-active={active || undefined}
    >
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <Box
          w={36}
          h={36}
          style={{
            flexShrink: 0,
            borderRadius: '50%',
            display: 'grid',
            placeItems: 'center',
            background: 'var(--mantine-color-brand-light)',
            color: 'var(--mantine-color-brand-light-color)',
            fontWeight: 700,
            fontSize: 13,
          }}
          aria-hidden
        >
          {t.contact_name ? initials(t.contact_name) : '#'}
        </Box>
        <Box miw={0} style={{ flex: 1 }}>
          <Group justify="space-between" gap={6} wrap="nowrap">
            <Text size="sm" fw={unread ? 700 : 550} className="crm-truncate">
              {name}
            </Text>
            <Text
              size="xs"
              c={unread ? 'brand' : 'dimmed'}
              fw={unread ? 600 : undefined}
              style={{ whiteSpace: 'nowrap' }}
              title={formatDateTime(t.last_message_at, me.timezone)}
            >
              {shortWhen(t.last_message_at, me.timezone)}
            </Text>
          </Group>
          <Group justify="space-between" gap={6} wrap="nowrap" mt={2}>
            <Text size="xs" c={unread ? undefined : 'dimmed'} fw={unread ? 550 : undefined} className="crm-truncate">
              {t.last_direction === 'outbound' ? 'You: ' : ''}
              {t.last_body || 'Media message'}
            </Text>
            <Group gap={4} wrap="nowrap">
              {t.opted_out && (
                <Badge size="xs" color="red" variant="light" data-testid="thread-opted-out">
                  Opted out
                </Badge>
              )}
              {unread && (
                <Badge size="sm" circle={t.unread_count < 10} variant="filled" data-testid="thread-unread" aria-label={`${t.unread_count} unread`}>
                  {t.unread_count > 99 ? '99+' : t.unread_count}
                </Badge>
              )}
            </Group>
          </Group>
        </Box>
      </Group>
    </UnstyledButton>
  );
}

/** shortWhen is a list's time: "2:05 PM" today, "Mar 4" this year, else "3/4/25". */
function shortWhen(iso: string, tz: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  // A zone Intl does not know: say how long ago instead.
  const zone = validZone(tz);
  if (!zone) return formatRelative(iso);
  const day = dateIn(d, zone);
  const today = dateIn(new Date(), zone);
  if (day === today) return timeIn(d, zone);
  if (day.slice(0, 4) === today.slice(0, 4)) return new Intl.DateTimeFormat('en-US', { timeZone: zone, month: 'short', day: 'numeric' }).format(d);
  return new Intl.DateTimeFormat('en-US', { timeZone: zone, dateStyle: 'short' }).format(d);
}
