import { Anchor, Box, Button, Group, Paper, Select, Skeleton, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { IconFilterOff, IconFlask, IconPhone, IconPlugConnected } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { flattenPages } from '../../api/activities';
import { memberFilterOptions, useUsers } from '../../api/queries';
import { useCalls, type Call, type CallListQuery } from '../../api/phone';
import { ContactSelect } from '../../components/EntitySelects';
import { FilterBar } from '../../components/FilterBar';
import { PageHeader } from '../../components/PageHeader';
import { CALL_STATUS_OPTIONS, CallDirectionIcon, CallStatusBadge, SimulatedBadge } from '../../components/phone';
import { EmptyState, ErrorState } from '../../components/States';
import { useSession } from '../../components/session';
import { formatDateTime, formatDuration, formatPhone, formatRelative, plural } from '../../lib/format';
import { useProvider } from '../sms/useProvider';
import { CallDrawer } from './CallDrawer';
import { callParty } from './common';
import { SimulateCallModal } from './SimulateCallModal';

const DIRECTION_OPTIONS = [
  { value: 'inbound', label: 'Incoming' },
  { value: 'outbound', label: 'Outgoing' },
];

/** CallsPage is the call log: every call in and out, filterable, each opening its details, recording and notes. */
export function CallsPage() {
  const me = useSession();
  const users = useUsers();
  const provider = useProvider();
  const [params, setParams] = useSearchParams();
  const [simulating, setSimulating] = useState(false);
  const direction =
    params.get('direction') === 'inbound' || params.get('direction') === 'outbound' ? (params.get('direction') as 'inbound' | 'outbound') : undefined;
  const status = params.get('status') ?? '';
  const user = params.get('user') ?? '';
  const contact = params.get('contact') ?? '';
  const since = params.get('since') ?? '';
  const until = params.get('until') ?? '';
  const open = params.get('call');
  const [contactLabel, setContactLabel] = useState<string | null>(null);

  const setParam = (key: string, value: string | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: key !== 'call' },
    );

  const query = useMemo<Omit<CallListQuery, 'cursor' | 'limit'>>(
    () => ({
      direction,
      status: CALL_STATUS_OPTIONS.find((o) => o.value === status)?.value,
      user_id: user || undefined,
      contact_id: contact || undefined,
      since: since || undefined,
      until: until || undefined,
    }),
    [direction, status, user, contact, since, until],
  );
  const list = useCalls(query);
  const items = useMemo(() => flattenPages(list.data), [list.data]);
  const activeFilters = [direction, status, user, contact, since, until].filter(Boolean).length;
  const simulator = provider.simulator === true;
  const connected = provider.numbers.length > 0;

  const userOptions = memberFilterOptions(users.data, me.user.id);

  const controls = (
    <>
      <Select
        aria-label="Filter by direction"
        placeholder="In and out"
        data={DIRECTION_OPTIONS}
        value={direction ?? null}
        onChange={(v) => setParam('direction', v)}
        clearable
        w={{ base: '100%', xs: 140 }}
      />
      <Select
        aria-label="Filter by status"
        placeholder="Any status"
        data={CALL_STATUS_OPTIONS}
        value={status || null}
        onChange={(v) => setParam('status', v)}
        clearable
        w={{ base: '100%', xs: 150 }}
      />
      <Select
        aria-label="Filter by user"
        placeholder="Anyone"
        data={userOptions}
        value={user || null}
        onChange={(v) => setParam('user', v)}
        clearable
        searchable
        w={{ base: '100%', xs: 160 }}
      />
      <Box w={{ base: '100%', xs: 220 }}>
        <ContactSelect
          label="Filter by contact"
          hideLabel
          placeholder="Any contact"
          value={contact || null}
          initialLabel={contactLabel}
          onChange={(id, label) => {
            setContactLabel(label);
            setParam('contact', id);
          }}
        />
      </Box>
      <Group gap={6} wrap="nowrap" w={{ base: '100%', xs: 'auto' }}>
        <TextInput
          aria-label="From date"
          type="date"
          value={since}
          onChange={(e) => setParam('since', e.currentTarget.value)}
          style={{ flex: 1 }}
          w={{ xs: 150 }}
        />
        <Text size="sm" c="dimmed">
          –
        </Text>
        <TextInput
          aria-label="To date"
          type="date"
          value={until}
          onChange={(e) => setParam('until', e.currentTarget.value)}
          style={{ flex: 1 }}
          w={{ xs: 150 }}
        />
      </Group>
    </>
  );

  return (
    <>
      <PageHeader
        title="Calls"
        description="Every call in and out of the company’s numbers. Open one for its recording and notes."
        actions={
          <>
            {simulator && <SimulatedBadge size="md" />}
            {simulator && connected && (
              <Button variant="default" leftSection={<IconFlask size={16} />} onClick={() => setSimulating(true)}>
                Simulate inbound call
              </Button>
            )}
          </>
        }
      />
      <FilterBar
        summary={list.isSuccess ? (list.hasNextPage ? `${items.length}+ calls` : plural(items.length, 'call')) : ' '}
        activeCount={activeFilters}
      >
        {controls}
      </FilterBar>

      {list.isPending ? (
        <Paper p="md" aria-busy="true" aria-label="Loading calls">
          <Stack gap="lg">
            {Array.from({ length: 5 }, (_, i) => (
              <Skeleton key={i} height={14} width={`${70 - i * 8}%`} />
            ))}
          </Stack>
        </Paper>
      ) : list.isError ? (
        <Paper>
          <ErrorState error={list.error} onRetry={() => list.refetch()} title="Couldn't load calls" />
        </Paper>
      ) : items.length === 0 ? (
        <Paper>
          {activeFilters > 0 ? (
            <EmptyState
              icon={<IconFilterOff size={28} />}
              title="No calls match"
              action={
                <Button variant="default" onClick={() => setParams({}, { replace: true })}>
                  Clear filters
                </Button>
              }
            >
              Try another direction, status, person or dates — or clear the filters to see every call.
            </EmptyState>
          ) : provider.numbersLoaded && !connected ? (
            <EmptyState
              icon={<IconPlugConnected size={28} />}
              title="Calling is not set up yet"
              action={
                provider.admin && (
                  <Button component={Link} to="/settings/phone" leftSection={<IconPlugConnected size={16} />}>
                    Connect Twilio in Settings → Phone
                  </Button>
                )
              }
            >
              {provider.admin
                ? 'Connect Twilio (or try the simulator) and add a number. Then call contacts with one click from their pages.'
                : 'An admin needs to connect Twilio and add a number first (Settings → Phone).'}
            </EmptyState>
          ) : (
            <EmptyState icon={<IconPhone size={28} />} title="No calls yet">
              Press “Call” on a contact’s page: your phone rings, then we connect you. Calls to your company numbers are logged here too.
            </EmptyState>
          )}
        </Paper>
      ) : (
        <Paper style={{ overflow: 'hidden', opacity: list.isPlaceholderData ? 0.6 : 1 }}>
          <Table.ScrollContainer minWidth={0}>
            <Table className="crm-table" verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={44}>
                    <span className="crm-sr-only">Direction</span>
                  </Table.Th>
                  <Table.Th>Contact</Table.Th>
                  <Table.Th visibleFrom="md">User</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th visibleFrom="xs" ta="right">
                    Duration
                  </Table.Th>
                  <Table.Th visibleFrom="sm">When</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <CallRow key={c.id} c={c} onOpen={() => setParam('call', c.id)} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {list.hasNextPage && (
            <Group justify="center" p="md">
              <Button variant="default" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                Load more
              </Button>
            </Group>
          )}
        </Paper>
      )}
      <CallDrawer id={open} onClose={() => setParam('call', null)} listed={items.find((c) => c.id === open)} />
      {simulator && <SimulateCallModal opened={simulating} onClose={() => setSimulating(false)} provider={provider} />}
    </>
  );
}

function CallRow({ c, onOpen }: { c: Call; onOpen: () => void }) {
  const me = useSession();
  const party = callParty(c);
  const number = c.direction === 'inbound' ? c.from : c.to;
  const by = c.user_id === me.user.id ? 'You' : c.user_name || '—';
  return (
    <Table.Tr className="crm-row" onClick={onOpen} data-testid="call-row" data-party={party}>
      <Table.Td>
        <CallDirectionIcon direction={c.direction} />
      </Table.Td>
      <Table.Td maw={0} style={{ width: '100%' }}>
        <Anchor
          component="button"
          type="button"
          className="crm-link-cell crm-truncate"
          display="block"
          maw="100%"
          ta="left"
          onClick={(e) => {
            e.stopPropagation();
            onOpen();
          }}
          aria-label={`${c.direction === 'inbound' ? 'Call from' : 'Call to'} ${party}, ${formatRelative(c.created_at)}`}
        >
          {party}
        </Anchor>
        <Group gap={6} wrap="nowrap">
          {c.contact_name && (
            <Text size="xs" c="dimmed" className="crm-truncate">
              {formatPhone(number)}
            </Text>
          )}
          {c.notes && (
            <Tooltip label={c.notes.slice(0, 200)} multiline maw={300}>
              <Text size="xs" c="dimmed" className="crm-truncate" fs="italic">
                “{c.notes.split('\n')[0]}”
              </Text>
            </Tooltip>
          )}
        </Group>
        <Text size="xs" c="dimmed" hiddenFrom="sm">
          {formatRelative(c.created_at)} · {formatDuration(c.duration_seconds)}
        </Text>
      </Table.Td>
      <Table.Td visibleFrom="md" style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm">{by}</Text>
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <CallStatusBadge c={c} />
          {c.simulated && (
            <Tooltip label="Simulated call">
              <IconFlask size={14} color="var(--mantine-color-grape-6)" aria-label="Simulated" />
            </Tooltip>
          )}
        </Group>
      </Table.Td>
      <Table.Td visibleFrom="xs" ta="right" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
        <Text size="sm">{formatDuration(c.duration_seconds)}</Text>
      </Table.Td>
      <Table.Td visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
        <Tooltip label={formatDateTime(c.created_at, me.timezone)}>
          <Text size="sm" c="dimmed">
            {formatRelative(c.created_at)}
          </Text>
        </Tooltip>
      </Table.Td>
    </Table.Tr>
  );
}
