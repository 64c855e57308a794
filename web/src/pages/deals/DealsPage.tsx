import { Button, CloseButton, Group, Paper, SegmentedControl, Select, Skeleton, Stack, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconLayoutKanban, IconList, IconPlus, IconReportMoney, IconSearch } from '@tabler/icons-react';
import { useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useBoard, usePipelines, type Pipeline } from '../../api/deals';
import { isAdmin } from '../../api/queries';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/States';
import { useSession } from '../../components/session';
import { plural } from '../../lib/format';
import { formatTotals } from '../../lib/money';
import { sumColumns } from './board';
import classes from './Board.module.css';
import { todayIn } from './common';
import { DealFormModal } from './DealFormModal';
import { DealsList } from './DealsList';
import { PipelinePicker, useOwnerFilter, useUrlState } from './filters';
import { KanbanBoard } from './KanbanBoard';
import { useLoadMoreCards } from './useLoadMoreCards';

/** DealsPage is the pipeline: a kanban board (default) or a filterable list (?view=list). */
export function DealsPage() {
  const me = useSession();
  const [params, set] = useUrlState();
  const view = params.get('view') === 'list' ? 'list' : 'board';
  const pipelines = usePipelines();
  // ?new=1 (the dashboard's "Create your first deal") opens the form at once.
  const [newDeal, setNewDeal] = useState<{ stageId?: string } | null>(() => (params.get('new') === '1' ? {} : null));

  const list = pipelines.data ?? [];
  const wanted = params.get('pipeline');
  const pipeline = list.find((p) => p.id === wanted) ?? list[0];

  const header = (description?: string) => (
    <PageHeader
      title="Deals"
      description={description}
      actions={
        <>
          <SegmentedControl
            aria-label="View"
            value={view}
            onChange={(v) => set({ view: v === 'list' ? 'list' : null })}
            data={[
              {
                value: 'board',
                label: (
                  <Group gap={6} wrap="nowrap">
                    <IconLayoutKanban size={16} />
                    <span>Board</span>
                  </Group>
                ),
              },
              {
                value: 'list',
                label: (
                  <Group gap={6} wrap="nowrap">
                    <IconList size={16} />
                    <span>List</span>
                  </Group>
                ),
              },
            ]}
          />
          <Button leftSection={<IconPlus size={16} />} onClick={() => setNewDeal({})} disabled={!pipeline}>
            New deal
          </Button>
        </>
      }
    />
  );

  if (pipelines.isPending) {
    return (
      <>
        {header(' ')}
        <BoardSkeleton />
      </>
    );
  }
  if (pipelines.isError) {
    return (
      <>
        {header()}
        <Paper>
          <ErrorState error={pipelines.error} onRetry={() => pipelines.refetch()} title="Couldn't load your pipelines" />
        </Paper>
      </>
    );
  }
  if (!pipeline) {
    return (
      <>
        {header()}
        <Paper>
          <EmptyState
            icon={<IconReportMoney size={28} />}
            title="No pipeline yet"
            action={
              isAdmin(me.role) ? (
                <Button component={Link} to="/settings/pipelines">
                  Set up a pipeline
                </Button>
              ) : undefined
            }
          >
            Deals move through the stages of a pipeline. {isAdmin(me.role) ? 'Create one in Settings.' : 'Ask an admin to create one.'}
          </EmptyState>
        </Paper>
      </>
    );
  }

  return (
    <>
      {view === 'board' ? (
        <BoardView pipeline={pipeline} pipelines={list} header={header} onNewDeal={(stageId) => setNewDeal({ stageId })} />
      ) : (
        <DealsList pipeline={pipeline} pipelines={list} header={header} />
      )}
      <DealFormModal
        opened={newDeal !== null}
        onClose={() => {
          setNewDeal(null);
          if (params.get('new')) set({ new: null });
        }}
        pipelines={list}
        pipelineId={pipeline.id}
        stageId={newDeal?.stageId}
      />
    </>
  );
}

function BoardView({
  pipeline,
  pipelines,
  header,
  onNewDeal,
}: {
  pipeline: Pipeline;
  pipelines: Pipeline[];
  header: (d?: string) => ReactNode;
  onNewDeal: (stageId?: string) => void;
}) {
  const me = useSession();
  const [params, set] = useUrlState();
  const q = params.get('q') ?? '';
  const owner = params.get('owner') ?? '';
  const [search, setSearch] = useState(q);
  const pushSearch = useDebouncedCallback((v: string) => set({ q: v.trim() || null }), 200);
  const { options: ownerOptions, toId, owners } = useOwnerFilter();
  const ownerId = owner ? toId(owner) : '';
  // The search runs on the server (title and contact words), like the owner filter.
  const board = useBoard(pipeline.id, ownerId, q);
  const more = useLoadMoreCards(pipeline.id, ownerId, q);
  const stages = useMemo(() => board.data?.pipeline.stages ?? pipeline.stages ?? [], [board.data, pipeline.stages]);
  const deals = useMemo(() => board.data?.deals ?? [], [board.data]);
  const columns = useMemo(() => board.data?.columns ?? [], [board.data]);
  const today = todayIn(me.timezone);
  const filtered = Boolean(q || owner);

  const open = useMemo(() => {
    const openIds = new Set(stages.filter((s) => s.kind === 'open').map((s) => s.id));
    return sumColumns(columns.filter((c) => openIds.has(c.stage_id)));
  }, [stages, columns]);
  const total = useMemo(() => sumColumns(columns).deals, [columns]);
  const description = board.isSuccess
    ? `${pipeline.name} · ${open.deals === 0 ? 'no open deals' : `${plural(open.deals, 'open deal')} · ${formatTotals(open.totals)}`}${filtered ? ' (filtered)' : ''}`
    : ' ';
  const showMore = (stageId: string) => {
    const cursor = columns.find((c) => c.stage_id === stageId)?.next_cursor;
    if (cursor && !more.isPending) more.mutate({ stageId, cursor });
  };

  return (
    <>
      {header(description)}
      <Paper p="sm" mb="md">
        <Group gap="sm" align="flex-end">
          <PipelinePicker pipelines={pipelines} value={pipeline.id} />
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
          {!owners.isError && (
            <Select
              aria-label="Owner"
              placeholder="Anyone’s deals"
              data={ownerOptions}
              value={owner || null}
              onChange={(v) => set({ owner: v })}
              clearable
              searchable
              w={{ base: '100%', xs: 200 }}
            />
          )}
        </Group>
      </Paper>

      {board.isPending ? (
        <BoardSkeleton />
      ) : board.isError ? (
        <Paper>
          <ErrorState error={board.error} onRetry={() => board.refetch()} title="Couldn't load the board" />
        </Paper>
      ) : total === 0 && !filtered ? (
        <Paper>
          <EmptyState
            icon={<IconReportMoney size={28} />}
            title="No deals yet"
            action={
              <Button leftSection={<IconPlus size={16} />} onClick={() => onNewDeal()}>
                Create your first deal
              </Button>
            }
          >
            A deal is a sale you are working on. Add one, then drag it across the stages of {pipeline.name} as it moves forward.
          </EmptyState>
        </Paper>
      ) : (
        <>
          {filtered && total === 0 && (
            <Group gap="xs" mb="sm">
              <Text size="sm" c="dimmed">
                No deals match these filters.
              </Text>
              <Button
                variant="subtle"
                size="compact-sm"
                onClick={() => {
                  setSearch('');
                  set({ q: null, owner: null });
                }}
              >
                Clear filters
              </Button>
            </Group>
          )}
          <Stack gap={0} style={{ opacity: board.isPlaceholderData ? 0.6 : 1 }}>
            <VisuallyHidden>Use the handle on a card to move it between stages with a mouse, a finger or the keyboard.</VisuallyHidden>
            <KanbanBoard
              stages={stages}
              deals={deals}
              columns={columns}
              onShowMore={showMore}
              loadingStage={more.isPending ? (more.variables?.stageId ?? null) : null}
              version={board.data?.deals}
              ownerName={owners.nameOf}
              ownerFullName={owners.fullNameOf}
              today={today}
              onNewDeal={onNewDeal}
            />
          </Stack>
        </>
      )}
    </>
  );
}

function BoardSkeleton() {
  return (
    <div className={classes.board} aria-busy="true" aria-label="Loading the board">
      {Array.from({ length: 4 }, (_, i) => (
        <div key={i} className={classes.column} style={{ padding: 12 }}>
          <Skeleton height={12} width="60%" mb={8} />
          <Skeleton height={8} width="40%" mb={16} />
          <Stack gap={8}>
            {Array.from({ length: 3 - (i % 2) }, (_, j) => (
              <Skeleton key={j} height={86} radius="md" />
            ))}
          </Stack>
        </div>
      ))}
    </div>
  );
}
