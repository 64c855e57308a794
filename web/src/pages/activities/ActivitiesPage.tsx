import { Badge, Box, Button, Divider, Group, Paper, SegmentedControl, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useIntersection } from '@mantine/hooks';
import { IconChecklist, IconFilterOff, IconListDetails, IconPlus } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { flattenPages, useActivityList, useMyTasks, type Activity, type ActivityListQuery } from '../../api/activities';
import { memberFilterOptions, useUsers } from '../../api/queries';
import { ActivityFormModal } from '../../components/ActivityFormModal';
import { FilterBar } from '../../components/FilterBar';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/States';
import { useSession } from '../../components/session';
import { plural } from '../../lib/format';
import { browserZone, dateIn, zoneLabel } from '../../lib/zoned';
import { ActivityRow } from './ActivityRow';

type Modal = { mode: 'closed' } | { mode: 'create' } | { mode: 'edit'; activity: Activity };

/** ActivitiesPage is "My tasks" (default) and the full, filterable list of activities. */
export function ActivitiesPage() {
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'all' ? 'all' : 'mine';
  const [modal, setModal] = useState<Modal>({ mode: 'closed' });
  const me = useSession();

  return (
    <>
      <PageHeader
        title="Activities"
        description="Tasks, calls, meetings and notes of your team."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setModal({ mode: 'create' })}>
            New activity
          </Button>
        }
      />
      <SegmentedControl
        mb="md"
        aria-label="View"
        value={view}
        onChange={(v) => setParams(v === 'all' ? { view: 'all' } : {}, { replace: true })}
        data={[
          {
            value: 'mine',
            label: (
              <Group gap={6} wrap="nowrap" justify="center">
                <IconChecklist size={16} /> My tasks
              </Group>
            ),
          },
          {
            value: 'all',
            label: (
              <Group gap={6} wrap="nowrap" justify="center">
                <IconListDetails size={16} /> All activities
              </Group>
            ),
          },
        ]}
      />
      {view === 'mine' ? (
        <MyTasksView onEdit={(a) => setModal({ mode: 'edit', activity: a })} onCreate={() => setModal({ mode: 'create' })} />
      ) : (
        <AllView onEdit={(a) => setModal({ mode: 'edit', activity: a })} onCreate={() => setModal({ mode: 'create' })} />
      )}
      <ActivityFormModal
        opened={modal.mode !== 'closed'}
        onClose={() => setModal({ mode: 'closed' })}
        activity={modal.mode === 'edit' ? modal.activity : undefined}
        defaults={{ type: 'task', dueDate: view === 'mine' ? dateIn(new Date(), me.timezone) : undefined }}
      />
    </>
  );
}

/* ---- My tasks ---- */

const GROUPS = [
  { key: 'overdue', title: 'Overdue', color: 'red', empty: '' },
  { key: 'today', title: 'Today', color: 'brand', empty: 'Nothing due today.' },
  { key: 'upcoming', title: 'Upcoming', color: 'gray', empty: '' },
  { key: 'no_due_date', title: 'No due date', color: 'gray', empty: '' },
] as const;

function MyTasksView({ onEdit, onCreate }: { onEdit: (a: Activity) => void; onCreate: () => void }) {
  const tasks = useMyTasks();
  const me = useSession();
  if (tasks.isPending) return <ListSkeleton />;
  if (tasks.isError)
    return (
      <Paper>
        <ErrorState error={tasks.error} onRetry={() => tasks.refetch()} title="Couldn't load your tasks" />
      </Paper>
    );
  const d = tasks.data;
  const total = GROUPS.reduce((n, g) => n + (d[g.key]?.length ?? 0), 0);
  const tz = d.timezone || me.timezone;
  const today = new Intl.DateTimeFormat('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${d.date}T12:00:00Z`),
  );
  const zoneNote = browserZone() !== tz ? ` in ${zoneLabel(tz)}` : '';

  if (total === 0) {
    return (
      <Paper>
        <EmptyState
          icon={<IconChecklist size={28} />}
          title="You’re all caught up"
          action={
            <Button leftSection={<IconPlus size={16} />} onClick={onCreate}>
              New task
            </Button>
          }
        >
          No open tasks are assigned to you. Add one here, or from a contact’s timeline — and tick them off as you go.
        </EmptyState>
      </Paper>
    );
  }

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Today is {today}
        {zoneNote}. {plural(total, 'open task')}.
      </Text>
      {GROUPS.map((g) => {
        const items = d[g.key] ?? [];
        if (items.length === 0 && !g.empty) return null;
        return (
          <Paper key={g.key} style={{ overflow: 'hidden' }} data-testid={`tasks-${g.key}`}>
            <Group justify="space-between" px={{ base: 'sm', sm: 'md' }} py="xs" bg="var(--mantine-color-default-hover)">
              <Group gap="xs">
                <Title order={3} size="h4" c={g.key === 'overdue' ? 'red' : undefined}>
                  {g.title}
                </Title>
                <Badge size="sm" variant="light" color={g.color}>
                  {items.length}
                </Badge>
              </Group>
            </Group>
            {items.length === 0 ? (
              <Text size="sm" c="dimmed" px={{ base: 'sm', sm: 'md' }} py="sm">
                {g.empty}
              </Text>
            ) : (
              <Stack gap={0}>
                {items.map((a, i) => (
                  <Box key={a.id}>
                    {i > 0 && <Divider />}
                    <ActivityRow activity={a} onEdit={onEdit} />
                  </Box>
                ))}
              </Stack>
            )}
          </Paper>
        );
      })}
    </Stack>
  );
}

/* ---- All activities ---- */

const TYPE_OPTIONS = [
  { value: 'task', label: 'Tasks' },
  { value: 'call', label: 'Calls' },
  { value: 'meeting', label: 'Meetings' },
  { value: 'note', label: 'Notes' },
  { value: 'system', label: 'System entries' },
];
const STATUS_OPTIONS = [
  { value: 'open', label: 'Open' },
  { value: 'done', label: 'Done' },
];
const DUE_OPTIONS = [
  { value: 'overdue', label: 'Overdue' },
  { value: 'today', label: 'Due today' },
  { value: 'upcoming', label: 'Upcoming' },
];

function pick<T extends string>(v: string | null, allowed: { value: string }[]): T | undefined {
  return v && allowed.some((o) => o.value === v) ? (v as T) : undefined;
}

function AllView({ onEdit, onCreate }: { onEdit: (a: Activity) => void; onCreate: () => void }) {
  const me = useSession();
  const users = useUsers();
  const [params, setParams] = useSearchParams();
  const type = pick<NonNullable<ActivityListQuery['type']>>(params.get('type'), TYPE_OPTIONS);
  const status = pick<NonNullable<ActivityListQuery['status']>>(params.get('status'), STATUS_OPTIONS);
  const due = pick<NonNullable<ActivityListQuery['due']>>(params.get('due'), DUE_OPTIONS);
  const assignee = params.get('assignee') ?? '';

  const setParam = (key: string, value: string | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  const query = useMemo(() => ({ type, status, due, assignee_id: assignee || undefined }), [type, status, due, assignee]);
  const list = useActivityList(query);
  const items = useMemo(() => flattenPages(list.data), [list.data]);
  const filtered = Boolean(type || status || due || assignee);
  const activeFilters = [type, status, due, assignee].filter(Boolean).length;

  const { ref: sentinel, entry } = useIntersection({ rootMargin: '400px' });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    if (entry?.isIntersecting && hasNextPage && !isFetchingNextPage) fetchNextPage();
  }, [entry?.isIntersecting, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const assigneeOptions = memberFilterOptions(users.data, me.user.id);

  const controls = (
    <>
      <Select
        aria-label="Filter by type"
        placeholder="Any type"
        data={TYPE_OPTIONS}
        value={type ?? null}
        onChange={(v) => setParam('type', v)}
        clearable
        w={{ base: '100%', xs: 160 }}
      />
      <Select
        aria-label="Filter by assignee"
        placeholder="Anyone"
        data={assigneeOptions}
        value={assignee || null}
        onChange={(v) => setParam('assignee', v)}
        clearable
        searchable
        w={{ base: '100%', xs: 180 }}
      />
      <Select
        aria-label="Filter by status"
        placeholder="Any status"
        data={STATUS_OPTIONS}
        value={status ?? null}
        onChange={(v) => setParam('status', v)}
        clearable
        w={{ base: '100%', xs: 150 }}
      />
      <Select
        aria-label="Filter by due date"
        placeholder="Any due date"
        data={DUE_OPTIONS}
        value={due ?? null}
        onChange={(v) => setParam('due', v)}
        clearable
        w={{ base: '100%', xs: 160 }}
      />
    </>
  );

  return (
    <>
      <FilterBar
        summary={list.isSuccess ? (hasNextPage ? `${items.length}+ activities` : plural(items.length, 'activity', 'activities')) : ' '}
        activeCount={activeFilters}
      >
        {controls}
      </FilterBar>

      {list.isPending ? (
        <ListSkeleton />
      ) : list.isError ? (
        <Paper>
          <ErrorState error={list.error} onRetry={() => list.refetch()} title="Couldn't load activities" />
        </Paper>
      ) : items.length === 0 ? (
        <Paper>
          {filtered ? (
            <EmptyState
              icon={<IconFilterOff size={28} />}
              title="No activities match"
              action={
                <Button variant="default" onClick={() => setParams({ view: 'all' }, { replace: true })}>
                  Clear filters
                </Button>
              }
            >
              Try another type, assignee or due date — or clear the filters to see everything.
            </EmptyState>
          ) : (
            <EmptyState
              icon={<IconListDetails size={28} />}
              title="No activities yet"
              action={
                <Button leftSection={<IconPlus size={16} />} onClick={onCreate}>
                  New activity
                </Button>
              }
            >
              Log calls and meetings, write notes and set tasks — here, or from a contact’s page, where they show up on its timeline.
            </EmptyState>
          )}
        </Paper>
      ) : (
        <Paper style={{ overflow: 'hidden', opacity: list.isPlaceholderData ? 0.6 : 1 }}>
          <Stack gap={0}>
            {items.map((a, i) => (
              <Box key={a.id}>
                {i > 0 && <Divider />}
                <ActivityRow activity={a} onEdit={onEdit} showType />
              </Box>
            ))}
          </Stack>
          <Box ref={sentinel} />
          {hasNextPage && (
            <Group justify="center" p="md">
              <Button variant="default" onClick={() => fetchNextPage()} loading={isFetchingNextPage}>
                Load more
              </Button>
            </Group>
          )}
        </Paper>
      )}
    </>
  );
}

function ListSkeleton() {
  return (
    <Paper p="md" aria-busy="true" aria-label="Loading activities">
      <Stack gap="lg">
        {Array.from({ length: 5 }, (_, i) => (
          <Group key={i} gap="sm" wrap="nowrap">
            <Skeleton circle height={20} />
            <Stack gap={6} style={{ flex: 1 }}>
              <Skeleton height={10} width="45%" />
              <Skeleton height={8} width="25%" />
            </Stack>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
