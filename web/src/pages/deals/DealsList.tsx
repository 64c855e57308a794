import { Anchor, Badge, Box, Button, CloseButton, Collapse, Group, Paper, Select, Skeleton, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedCallback, useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconDownload, IconFilterOff, IconPlus, IconReportMoney, IconSearch } from '@tabler/icons-react';
import { useMemo, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { exportDealsURL, useDealList, type Deal, type DealListQuery, type DealSort, type Pipeline } from '../../api/deals';
import { FilterToggle } from '../../components/FilterBar';
import { EmptyState, ErrorState } from '../../components/States';
import { useSession } from '../../components/session';
import { formatRelative, plural } from '../../lib/format';
import { formatMoney, parseMoneyInput } from '../../lib/money';
import { formatDay, isOverdue, KIND_COLOR, StatusBadge, todayIn } from './common';
import { PipelinePicker, useOwnerFilter, useUrlState } from './filters';

const SORTS = [
  { value: 'created_at.desc', label: 'Newest first' },
  { value: 'created_at.asc', label: 'Oldest first' },
  { value: 'updated_at.desc', label: 'Recently updated' },
  { value: 'value.desc', label: 'Highest value' },
  { value: 'value.asc', label: 'Lowest value' },
];
const DEFAULT_SORT = 'created_at.desc';
const STATUSES = [
  { value: 'open', label: 'Open' },
  { value: 'won', label: 'Won' },
  { value: 'lost', label: 'Lost' },
];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** DealsList is the table view of a pipeline's deals, with every filter the API offers and a CSV export of the same filters. */
export function DealsList({ pipeline, pipelines, header }: { pipeline: Pipeline; pipelines: Pipeline[]; header: (d?: string) => ReactNode }) {
  const me = useSession();
  const navigate = useNavigate();
  const [params, set] = useUrlState();
  const isPhone = useMediaQuery('(max-width: 36em)', false, { getInitialValueInEffect: false });
  const [filtersOpen, filters] = useDisclosure(false);
  const { options: ownerOptions, toId, owners } = useOwnerFilter();

  const q = params.get('q') ?? '';
  const owner = params.get('owner') ?? '';
  const status = params.get('status') ?? '';
  const stage = params.get('stage') ?? '';
  const min = params.get('min') ?? '';
  const max = params.get('max') ?? '';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const sortValue = SORTS.some((s) => s.value === params.get('sort')) ? params.get('sort')! : DEFAULT_SORT;
  const [sort, order] = sortValue.split('.') as [DealSort, 'asc' | 'desc'];

  const [search, setSearch] = useState(q);
  const [minText, setMinText] = useState(min);
  const [maxText, setMaxText] = useState(max);
  const pushSearch = useDebouncedCallback((v: string) => set({ q: v.trim() || null }), 250);
  const pushMoney = useDebouncedCallback((key: 'min' | 'max', v: string) => {
    const parsed = parseMoneyInput(v);
    if (parsed !== null) set({ [key]: parsed || null });
  }, 400);

  const stages = useMemo(() => pipeline.stages ?? [], [pipeline.stages]);
  const stageById = useMemo(() => new Map(stages.map((s) => [s.id, s])), [stages]);

  const filter = useMemo(() => {
    const f: Omit<DealListQuery, 'cursor' | 'limit' | 'sort' | 'order'> = { pipeline_id: pipeline.id };
    if (q) f.q = q;
    if (owner) f.owner_id = toId(owner);
    if (status === 'open' || status === 'won' || status === 'lost') f.status = status;
    if (stage && stageById.has(stage)) f.stage_id = stage;
    if (min && parseMoneyInput(min)) f.min_value = parseMoneyInput(min)!;
    if (max && parseMoneyInput(max)) f.max_value = parseMoneyInput(max)!;
    if (DAY.test(from)) f.close_from = from;
    if (DAY.test(to)) f.close_to = to;
    return f;
  }, [pipeline.id, q, owner, toId, status, stage, stageById, min, max, from, to]);
  const query = useMemo(() => ({ ...filter, sort, order }), [filter, sort, order]);
  const list = useDealList(query);
  const deals = useMemo(() => list.data?.pages.flatMap((p) => p.items ?? []) ?? [], [list.data]);
  const today = todayIn(me.timezone);

  const activeFilters = [owner, status, stage, min, max, from, to].filter(Boolean).length;
  const filtered = Boolean(q) || activeFilters > 0;
  const countLabel = list.isSuccess ? (list.hasNextPage ? `${deals.length}+ deals` : plural(deals.length, 'deal')) : ' ';
  const minError = minText && parseMoneyInput(minText) === null ? 'Not an amount' : null;
  const maxError = maxText && parseMoneyInput(maxText) === null ? 'Not an amount' : null;

  const clearFilters = () => {
    setSearch('');
    setMinText('');
    setMaxText('');
    set({ q: null, owner: null, status: null, stage: null, min: null, max: null, from: null, to: null });
  };

  const controls = (
    <>
      <Select
        aria-label="Status"
        placeholder="Any status"
        data={STATUSES}
        value={status || null}
        onChange={(v) => set({ status: v })}
        clearable
        w={{ base: '100%', xs: 140 }}
      />
      <Select
        aria-label="Stage"
        placeholder="Any stage"
        data={stages.map((s) => ({ value: s.id, label: s.name }))}
        value={stage || null}
        onChange={(v) => set({ stage: v })}
        clearable
        w={{ base: '100%', xs: 160 }}
      />
      {!owners.isError && (
        <Select
          aria-label="Owner"
          placeholder="Anyone’s deals"
          data={ownerOptions}
          value={owner || null}
          onChange={(v) => set({ owner: v })}
          clearable
          searchable
          w={{ base: '100%', xs: 180 }}
        />
      )}
      <Group gap={6} wrap="nowrap" w={{ base: '100%', xs: 'auto' }} align="flex-start">
        <TextInput
          aria-label="Minimum value"
          placeholder="Min value"
          inputMode="decimal"
          value={minText}
          error={minError}
          onChange={(e) => {
            setMinText(e.currentTarget.value);
            pushMoney('min', e.currentTarget.value);
          }}
          w={{ base: '50%', xs: 110 }}
        />
        <TextInput
          aria-label="Maximum value"
          placeholder="Max value"
          inputMode="decimal"
          value={maxText}
          error={maxError}
          onChange={(e) => {
            setMaxText(e.currentTarget.value);
            pushMoney('max', e.currentTarget.value);
          }}
          w={{ base: '50%', xs: 110 }}
        />
      </Group>
      <Group gap={6} wrap="nowrap" w={{ base: '100%', xs: 'auto' }}>
        <TextInput
          type="date"
          aria-label="Expected close from"
          title="Expected close from"
          leftSection={<DateHint>from</DateHint>}
          leftSectionWidth={44}
          value={from}
          onChange={(e) => set({ from: e.currentTarget.value })}
          w={{ base: '50%', xs: 180 }}
        />
        <TextInput
          type="date"
          aria-label="Expected close to"
          title="Expected close to"
          leftSection={<DateHint>to</DateHint>}
          leftSectionWidth={32}
          value={to}
          onChange={(e) => set({ to: e.currentTarget.value })}
          w={{ base: '50%', xs: 168 }}
        />
      </Group>
      <Select
        aria-label="Sort deals"
        data={SORTS}
        value={sortValue}
        onChange={(v) => set({ sort: v && v !== DEFAULT_SORT ? v : null })}
        allowDeselect={false}
        w={{ base: '100%', xs: 170 }}
      />
    </>
  );

  return (
    <>
      {header(
        filtered
          ? `${pipeline.name} · ${countLabel} ${deals.length === 1 && !list.hasNextPage ? 'matches' : 'match'} your filters`
          : `${pipeline.name} · ${countLabel}`,
      )}
      <Paper p="sm" mb="md">
        <Group gap="sm" wrap={isPhone ? 'nowrap' : 'wrap'} align="flex-start">
          {!isPhone && <PipelinePicker pipelines={pipelines} value={pipeline.id} />}
          <TextInput
            aria-label="Search deals"
            placeholder="Search deal titles…"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(e) => {
              setSearch(e.currentTarget.value);
              pushSearch(e.currentTarget.value);
            }}
            rightSection={
              search ? (
                <CloseButton
                  size="sm"
                  aria-label="Clear search"
                  onClick={() => {
                    setSearch('');
                    set({ q: null });
                  }}
                />
              ) : null
            }
            style={{ flex: '1 1 220px' }}
          />
          {isPhone ? <FilterToggle activeCount={activeFilters} open={filtersOpen} onToggle={filters.toggle} label="Filters and sorting" /> : controls}
          {!isPhone && <ExportButton href={exportDealsURL(filter)} />}
        </Group>
        {isPhone && (
          <Collapse expanded={filtersOpen}>
            <Stack gap="sm" mt="sm">
              <PipelinePicker pipelines={pipelines} value={pipeline.id} />
              {controls}
            </Stack>
          </Collapse>
        )}
        {isPhone && (
          <Group mt="sm">
            <ExportButton href={exportDealsURL(filter)} fullWidth />
          </Group>
        )}
      </Paper>

      {list.isPending ? (
        <ListSkeleton />
      ) : list.isError ? (
        <Paper>
          <ErrorState error={list.error} onRetry={() => list.refetch()} title="Couldn't load deals" />
        </Paper>
      ) : deals.length === 0 ? (
        <Paper>
          {filtered ? (
            <EmptyState
              icon={<IconFilterOff size={28} />}
              title="No deals match"
              action={
                <Button variant="default" onClick={clearFilters}>
                  Clear filters
                </Button>
              }
            >
              Try another status, stage or value range — or clear the filters to see every deal in {pipeline.name}.
            </EmptyState>
          ) : (
            <EmptyState
              icon={<IconReportMoney size={28} />}
              title="No deals yet"
              action={
                <Button component={Link} to="?view=board" leftSection={<IconPlus size={16} />} variant="default">
                  Go to the board
                </Button>
              }
            >
              Create your first deal with “New deal” above; it shows up here and on the board.
            </EmptyState>
          )}
        </Paper>
      ) : (
        <Paper style={{ overflow: 'hidden' }}>
          <Table.ScrollContainer minWidth={0}>
            <Table
              className="crm-table"
              highlightOnHover
              verticalSpacing="sm"
              horizontalSpacing="md"
              style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Deal</Table.Th>
                  <Table.Th visibleFrom="sm">Stage</Table.Th>
                  <Table.Th ta="right">Value</Table.Th>
                  <Table.Th visibleFrom="lg">Owner</Table.Th>
                  <Table.Th visibleFrom="md">Expected close</Table.Th>
                  <Table.Th visibleFrom="lg" ta="right">
                    Updated
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {deals.map((d) => (
                  <DealRow
                    key={d.id}
                    deal={d}
                    stageName={stageById.get(d.stage_id)?.name ?? '—'}
                    ownerName={owners.nameOf(d.owner_id)}
                    today={today}
                    onOpen={() => navigate(`/deals/${d.id}`)}
                  />
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
    </>
  );
}

function DateHint({ children }: { children: ReactNode }) {
  return (
    <Text size="xs" c="dimmed" aria-hidden>
      {children}
    </Text>
  );
}

function ExportButton({ href, fullWidth }: { href: string; fullWidth?: boolean }) {
  return (
    <Button component="a" href={href} download variant="default" leftSection={<IconDownload size={16} />} fullWidth={fullWidth}>
      Export CSV
    </Button>
  );
}

function DealRow({
  deal: d,
  stageName,
  ownerName,
  today,
  onOpen,
}: {
  deal: Deal;
  stageName: string;
  ownerName: string | null;
  today: string;
  onOpen: () => void;
}) {
  const overdue = isOverdue(d.expected_close_date, d.status, today);
  return (
    <Table.Tr className="crm-row" onClick={onOpen} data-testid="deal-row">
      <Table.Td maw={0} style={{ width: '100%' }}>
        <Box miw={0}>
          <Group gap={6} wrap="nowrap">
            <Anchor
              component={Link}
              to={`/deals/${d.id}`}
              className="crm-link-cell crm-truncate"
              display="block"
              size="sm"
              onClick={(e) => e.stopPropagation()}
            >
              {d.title}
            </Anchor>
            {d.status !== 'open' && <StatusBadge status={d.status} size="xs" />}
          </Group>
          <Text size="xs" c="dimmed" className="crm-truncate">
            {d.contact_id ? d.contact_name || 'Unnamed contact' : 'No contact'}
            <Text span hiddenFrom="sm" size="xs" c="dimmed">
              {' · '}
              {stageName}
            </Text>
          </Text>
        </Box>
      </Table.Td>
      <Table.Td visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
        <Badge variant="light" color={KIND_COLOR[d.status]} size="sm">
          {stageName}
        </Badge>
      </Table.Td>
      <Table.Td ta="right" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
        <Text size="sm" fw={600}>
          {formatMoney(d.value, d.currency)}
        </Text>
      </Table.Td>
      <Table.Td visibleFrom="lg" style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm" c={ownerName ? undefined : 'dimmed'}>
          {ownerName ?? 'Unassigned'}
        </Text>
      </Table.Td>
      <Table.Td visibleFrom="md" style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm" c={overdue ? 'red' : d.expected_close_date ? undefined : 'dimmed'} fw={overdue ? 600 : undefined}>
          {formatDay(d.expected_close_date)}
        </Text>
      </Table.Td>
      <Table.Td visibleFrom="lg" ta="right" style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm" c="dimmed">
          {formatRelative(d.updated_at)}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

function ListSkeleton() {
  return (
    <Paper p="md" aria-busy="true" aria-label="Loading deals">
      <Stack gap="lg">
        {Array.from({ length: 6 }, (_, i) => (
          <Group key={i} justify="space-between" wrap="nowrap">
            <Stack gap={6} style={{ flex: 1 }}>
              <Skeleton height={10} width="40%" />
              <Skeleton height={8} width="25%" />
            </Stack>
            <Skeleton height={10} width={80} />
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
