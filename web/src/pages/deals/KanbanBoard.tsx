import {
  closestCenter,
  DndContext,
  DragOverlay,
  getFirstCollision,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { ActionIcon, Badge, Button, Group, Text, Tooltip } from '@mantine/core';
import { IconCalendarEvent, IconGripVertical, IconPlus, IconUser } from '@tabler/icons-react';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { BOARD_PAGE, type BoardColumn, type BoardDeal, type Stage } from '../../api/deals';
import { initials, plural } from '../../lib/format';
import { formatMoney, formatTotals } from '../../lib/money';
import { columnTotals, dropPlacement, findColumn, keyboardTarget, moveToColumn, reorderWithin, type Columns, type Move } from './board';
import classes from './Board.module.css';
import { CloseReasonModal, type CloseRequest } from './CloseReasonModal';
import { formatDay, isOverdue, KIND_COLOR } from './common';
import { useMoveDeal } from './useMoveDeal';

const GRIP = <IconGripVertical size={16} />;
const USER_ICON = <IconUser size={13} style={{ flex: 'none' }} />;
const CALENDAR_ICON = <IconCalendarEvent size={13} style={{ flex: 'none' }} />;

interface Props {
  stages: Stage[];
  /** The cards the board holds (each column's loaded pages), in board order. */
  deals: BoardDeal[];
  /** Per stage: how many deals the filters let through, their totals, and the cursor of the next page. */
  columns: BoardColumn[];
  /** Loads a column's next page. */
  onShowMore: (stageId: string) => void;
  /** The stage whose next page is loading, if any. */
  loadingStage: string | null;
  /** The board data's identity: the drop preview gives way once it changes. */
  version: unknown;
  ownerName: (id: string | null | undefined) => string | null;
  /** The owner's full name (for the avatar's initials, also when the label says "You"). */
  ownerFullName: (id: string | null | undefined) => string | null;
  today: string;
  onNewDeal: (stageId: string) => void;
}

interface DragState {
  activeId: string;
  fromStage: string;
  cols: Columns;
  /**
   * drag: a card is moving; ask: dropped in a won or lost stage, waiting for
   * the reason; save: dropped, and the preview stays until the board data
   * changes (the optimistic move) so nothing flickers.
   */
  phase: 'drag' | 'ask' | 'save';
  /** The board data when the drop was saved. */
  version?: unknown;
}

/**
 * KanbanBoard shows one column per stage and moves deals by drag and drop
 * (pointer or keyboard: focus a card's handle, Space, arrow keys, Space).
 */
export function KanbanBoard({ stages, deals, columns, onShowMore, loadingStage, version, ownerName, ownerFullName, today, onNewDeal }: Props) {
  // One object per owner, so memoized cards see equal props on every render.
  const owners = useMemo(() => {
    const m = new Map<string, Owner | null>();
    for (const d of deals) {
      const key = d.owner_id ?? '';
      if (m.has(key)) continue;
      const label = ownerName(d.owner_id);
      m.set(key, label ? { label, initials: initials(ownerFullName(d.owner_id) ?? label) } : null);
    }
    return m;
  }, [deals, ownerName, ownerFullName]);
  const owner = useCallback((id: string | null | undefined) => owners.get(id ?? '') ?? null, [owners]);
  const stageIds = useMemo(() => stages.map((s) => s.id), [stages]);
  const stageById = useMemo(() => new Map(stages.map((s) => [s.id, s])), [stages]);
  const byId = useMemo(() => new Map(deals.map((d) => [d.id, d])), [deals]);
  const byStage = useMemo(() => {
    const out: Columns = {};
    for (const id of stageIds) out[id] = [];
    for (const d of deals) out[d.stage_id]?.push(d.id);
    return out;
  }, [deals, stageIds]);
  // Every card the board holds is shown: the server sends a column a page at a time.
  const visible = byStage;
  const columnOf = useMemo(() => new Map(columns.map((c) => [c.stage_id, c])), [columns]);

  const [drag, setDrag] = useState<DragState | null>(null);
  const [closing, setClosing] = useState<(CloseRequest & { move: Move; fromStageName: string }) | null>(null);
  const move = useMoveDeal();
  // A saved drop is previewed until the board data changes (or the move settles).
  const preview = drag && (drag.phase !== 'save' || drag.version === version) ? drag : null;
  const cols = preview?.cols ?? visible;
  const colsRef = useRef(cols);
  useLayoutEffect(() => {
    colsRef.current = cols;
  }, [cols]);

  // Arrow keys move between the cards of a column and between columns (see keyboardTarget).
  const stageIdsRef = useRef(stageIds);
  useLayoutEffect(() => {
    stageIdsRef.current = stageIds;
  }, [stageIds]);
  const coordinateGetter: KeyboardCoordinateGetter = useCallback((event, { context: { active, over, droppableRects, droppableContainers } }) => {
    if (!['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'].includes(event.code)) return undefined;
    event.preventDefault();
    if (!active) return undefined;
    const target = keyboardTarget(colsRef.current, stageIdsRef.current, String(active.id), over ? String(over.id) : null, event.code);
    if (!target) return undefined;
    // dnd-kit measures the droppables in an effect after the drag starts; an
    // arrow key pressed right after Space would otherwise be dropped silently.
    const rect = droppableRects.get(target) ?? droppableContainers.get(target)?.node.current?.getBoundingClientRect();
    return rect ? { x: rect.left, y: rect.top } : undefined;
  }, []);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(KeyboardSensor, { coordinateGetter }));

  // Multiple-container collision detection; the last target is remembered so a
  // card that just changed column does not flicker back and forth.
  const lastOverId = useRef<UniqueIdentifier | null>(null);
  const recentlyMoved = useRef(false);
  const activeId = preview?.phase === 'drag' ? preview.activeId : null;
  const collision: CollisionDetection = useCallback(
    (args) => {
      // Two steps, so a move reads a few dozen rects rather than every card's
      // (dnd-kit's rects read live scroll offsets on each access): first the
      // column under the pointer, then the card under it, or the nearest one.
      const c = colsRef.current;
      const columnArgs = { ...args, droppableContainers: args.droppableContainers.filter((d) => String(d.id) in c) };
      const pointer = args.pointerCoordinates ? pointerWithin(columnArgs) : [];
      const column = getFirstCollision(pointer.length > 0 ? pointer : rectIntersection(columnArgs), 'id');
      if (column != null) {
        let overId: UniqueIdentifier = column;
        const inside = new Set(c[String(column)] ?? []);
        if (inside.size > 0) {
          const cardArgs = { ...args, droppableContainers: args.droppableContainers.filter((d) => inside.has(String(d.id))) };
          const onCard = args.pointerCoordinates ? pointerWithin(cardArgs) : [];
          overId = getFirstCollision(onCard, 'id') ?? getFirstCollision(closestCenter(cardArgs), 'id') ?? column;
        }
        lastOverId.current = overId;
        return [{ id: overId }];
      }
      if (recentlyMoved.current) lastOverId.current = activeId;
      return lastOverId.current != null ? [{ id: lastOverId.current }] : [];
    },
    [activeId],
  );
  useEffect(() => {
    requestAnimationFrame(() => {
      recentlyMoved.current = false;
    });
  }, [cols]);

  const onDragStart = ({ active }: DragStartEvent) => {
    const id = String(active.id);
    const from = findColumn(visible, id);
    if (!from) return;
    lastOverId.current = null;
    setDrag({ activeId: id, fromStage: from, cols: visible, phase: 'drag' });
  };

  const onDragOver = ({ active, over }: DragOverEvent) => {
    if (!over) return;
    const id = String(active.id);
    const overId = String(over.id);
    setDrag((d) => {
      if (!d || d.phase !== 'drag') return d;
      const from = findColumn(d.cols, id);
      const to = findColumn(d.cols, overId);
      if (!from || !to || from === to) return d;
      const items = d.cols[to];
      let index = items.length;
      if (overId !== to) {
        const overIndex = items.indexOf(overId);
        const translated = active.rect.current.translated;
        const below = translated ? translated.top > over.rect.top + over.rect.height / 2 : false;
        index = overIndex >= 0 ? overIndex + (below ? 1 : 0) : items.length;
      }
      recentlyMoved.current = true;
      return { ...d, cols: moveToColumn(d.cols, id, to, index) };
    });
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const d = drag;
    if (!d || !over) {
      setDrag(null);
      return;
    }
    const id = String(active.id);
    let next = d.cols;
    const col = findColumn(next, id);
    const overId = String(over.id);
    if (col && overId !== col && findColumn(next, overId) === col) next = reorderWithin(next, id, overId);
    const deal = byId.get(id);
    const stage = col ? stageById.get(col) : undefined;
    if (!col || !deal || !stage) {
      setDrag(null);
      return;
    }
    if (col === d.fromStage && next[col].join() === byStage[col].join()) {
      setDrag(null); // dropped where it was
      return;
    }
    const fromStage = stageById.get(d.fromStage);
    const m: Move = { dealId: id, toStageId: col, ...dropPlacement(next[col], id, Boolean(columnOf.get(col)?.next_cursor)), kind: stage.kind };
    if (col !== d.fromStage && stage.kind !== 'open') {
      // Keep the card where it was dropped while we ask why it was won or lost.
      setDrag({ ...d, cols: next, phase: 'ask' });
      setClosing({ kind: stage.kind, dealTitle: deal.title, stageName: stage.name, move: m, fromStageName: fromStage?.name ?? '' });
      return;
    }
    setDrag({ ...d, cols: next, phase: 'save', version });
    move.mutate({ ...m, title: deal.title, fromStageName: fromStage?.name ?? '' }, { onSettled: () => setDrag(null) });
  };

  const confirmClose = (reason: string) => {
    if (!closing) return;
    const c = closing;
    setClosing(null);
    setDrag((d) => (d ? { ...d, phase: 'save', version } : d));
    move.mutate({ ...c.move, reason, title: c.dealTitle, fromStageName: c.fromStageName }, { onSettled: () => setDrag(null) });
  };

  const announcements: Announcements = {
    onDragStart: ({ active }) =>
      `Picked up ${byId.get(String(active.id))?.title ?? 'deal'}. Use the arrow keys to move it, Space to drop, Escape to cancel.`,
    onDragOver: ({ active, over }) => {
      const title = byId.get(String(active.id))?.title ?? 'Deal';
      if (!over) return `${title} is no longer over a stage.`;
      const col = findColumn(colsRef.current, String(over.id));
      const stage = col ? stageById.get(col) : undefined;
      if (!stage || !col) return undefined;
      const ids = colsRef.current[col];
      const overIndex = ids.indexOf(String(over.id));
      const pos = (overIndex >= 0 ? overIndex : ids.indexOf(String(active.id))) + 1;
      return `${title} is in ${stage.name}${pos > 0 ? `, position ${pos} of ${ids.length}` : ''}.`;
    },
    onDragEnd: ({ active, over }) => {
      const title = byId.get(String(active.id))?.title ?? 'Deal';
      const col = over ? findColumn(colsRef.current, String(over.id)) : undefined;
      const stage = col ? stageById.get(col) : undefined;
      return stage ? `${title} was dropped in ${stage.name}.` : `${title} was dropped where it was.`;
    },
    onDragCancel: ({ active }) => `Moving ${byId.get(String(active.id))?.title ?? 'the deal'} was cancelled; it is back where it was.`,
  };

  const activeDeal = activeId ? byId.get(activeId) : undefined;

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collision}
      onDragStart={onDragStart}
      onDragOver={onDragOver}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDrag(null)}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            'To move a deal, press Space or Enter on its handle, use the arrow keys to choose a stage and place, then press Space or Enter to drop it. Escape cancels.',
        },
      }}
    >
      <div className={classes.board} role="region" aria-label="Deals board" tabIndex={-1} data-testid="deals-board">
        {stages.map((stage) => {
          const meta = columnOf.get(stage.id);
          const count = meta?.deals ?? byStage[stage.id].length;
          // Cards on the server that the board has not loaded (never negative while a move is in flight).
          const hidden = meta?.next_cursor ? Math.max(1, count - byStage[stage.id].length) : 0;
          return (
            <Column
              key={stage.id}
              stage={stage}
              ids={cols[stage.id] ?? []}
              byId={byId}
              count={count}
              total={meta && meta.deals > 0 ? formatTotals(columnTotals(meta.totals ?? [])) : ''}
              hidden={hidden}
              loading={loadingStage === stage.id}
              onShowMore={onShowMore}
              owner={owner}
              today={today}
              onNewDeal={onNewDeal}
            />
          );
        })}
      </div>
      <DragOverlay dropAnimation={{ duration: 180, easing: 'cubic-bezier(0.2, 0, 0, 1)' }}>
        {activeDeal ? (
          <div className={`${classes.card} ${classes.cardOverlay}`}>
            <div className={classes.cardRow}>
              <span className={classes.handle} aria-hidden>
                {GRIP}
              </span>
              <CardBody deal={activeDeal} owner={owner(activeDeal.owner_id)} today={today} />
            </div>
          </div>
        ) : null}
      </DragOverlay>
      <CloseReasonModal
        request={closing}
        onConfirm={confirmClose}
        onCancel={() => {
          setClosing(null);
          setDrag(null);
        }}
      />
    </DndContext>
  );
}

interface ColumnProps {
  stage: Stage;
  ids: string[];
  byId: Map<string, BoardDeal>;
  /** How many deals of the stage the filters let through (the server's count). */
  count: number;
  /** Their totals per currency, formatted. */
  total: string;
  /** Cards of the column not loaded yet. */
  hidden: number;
  loading: boolean;
  onShowMore: (stageId: string) => void;
  owner: (id: string | null | undefined) => Owner | null;
  today: string;
  onNewDeal: (stageId: string) => void;
}

/** Owner is how a card shows its owner. */
interface Owner {
  label: string;
  initials: string;
}

function Column({ stage, ids, byId, count, total, hidden, loading, onShowMore, owner, today, onNewDeal }: ColumnProps) {
  const { setNodeRef, isOver } = useDroppable({ id: stage.id, data: { type: 'stage' } });
  return (
    <section
      className={`${classes.column} ${isOver ? classes.columnOver : ''}`}
      aria-label={`${stage.name}: ${plural(count, 'deal')}`}
      data-testid="stage-column"
      data-stage={stage.name}
    >
      <ColumnHeader stage={stage} count={count} total={total} onNewDeal={onNewDeal} />
      <div ref={setNodeRef} className={classes.columnBody}>
        <SortableContext id={stage.id} items={ids} strategy={verticalListSortingStrategy}>
          {ids.map((id) => {
            const d = byId.get(id);
            return d ? <SortableCard key={id} deal={d} owner={owner(d.owner_id)} today={today} /> : null;
          })}
        </SortableContext>
        {ids.length === 0 && <div className={classes.dropHint}>Drop deals here</div>}
        {hidden > 0 && <ShowMore stageId={stage.id} hidden={hidden} loading={loading} onClick={onShowMore} />}
      </div>
    </section>
  );
}

/** ColumnHeader: name, probability or kind, count and total. Memoized: the column re-renders on every drag move, this need not. */
const ColumnHeader = memo(function ColumnHeader({
  stage,
  count,
  total,
  onNewDeal,
}: {
  stage: Stage;
  count: number;
  total: string;
  onNewDeal: (stageId: string) => void;
}) {
  const color = `var(--mantine-color-${KIND_COLOR[stage.kind]}-5)`;
  return (
    <div className={classes.columnHead} style={{ ['--stage-color' as string]: color }}>
      <Group justify="space-between" gap={6} wrap="nowrap">
        <Group gap={6} wrap="nowrap" miw={0}>
          <Text fw={650} size="sm" className="crm-truncate" title={stage.name}>
            {stage.name}
          </Text>
          {stage.kind === 'open' ? (
            <Tooltip label="Win probability">
              <Badge variant="light" color="gray" size="sm">
                {stage.probability}%
              </Badge>
            </Tooltip>
          ) : (
            <Badge variant="light" color={KIND_COLOR[stage.kind]} size="sm">
              {stage.kind === 'won' ? 'Won' : 'Lost'}
            </Badge>
          )}
        </Group>
        <Tooltip label={`New deal in ${stage.name}`}>
          <ActionIcon variant="subtle" color="gray" size="sm" onClick={() => onNewDeal(stage.id)} aria-label={`New deal in ${stage.name}`}>
            <IconPlus size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
      <Group justify="space-between" gap={6} mt={2} wrap="nowrap">
        <Text size="xs" c="dimmed" data-testid="stage-count">
          {plural(count, 'deal')}
        </Text>
        <Text size="xs" fw={600} className="crm-truncate" title={total} data-testid="stage-total">
          {total}
        </Text>
      </Group>
    </div>
  );
});

const ShowMore = memo(function ShowMore({
  stageId,
  hidden,
  loading,
  onClick,
}: {
  stageId: string;
  hidden: number;
  loading: boolean;
  onClick: (stageId: string) => void;
}) {
  return (
    <Button variant="subtle" size="xs" onClick={() => onClick(stageId)} loading={loading} fullWidth data-testid="show-more">
      Show {Math.min(hidden, BOARD_PAGE)} more of {hidden.toLocaleString('en-US')}
    </Button>
  );
});

interface CardProps {
  deal: BoardDeal;
  owner: Owner | null;
  today: string;
}

/** sameCard: owner objects are rebuilt on every render, so compare what they show. */
function sameCard(a: CardProps, b: CardProps): boolean {
  return a.deal === b.deal && a.today === b.today && a.owner?.label === b.owner?.label && a.owner?.initials === b.owner?.initials;
}

const SortableCard = memo(function SortableCard({ deal, owner, today }: CardProps) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: deal.id,
    data: { type: 'deal' },
  });
  return (
    <div
      ref={setNodeRef}
      className={`${classes.card} ${isDragging ? classes.cardGhost : ''}`}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      data-testid="deal-card"
      data-deal={deal.title}
    >
      {/* Plain elements here: these wrappers re-render on every pointer move while a card is dragged. */}
      <div className={classes.cardRow}>
        <button
          ref={setActivatorNodeRef}
          type="button"
          className={classes.handle}
          {...attributes}
          {...listeners}
          aria-label={`Move ${deal.title}`}
          data-testid="deal-handle"
        >
          {GRIP}
        </button>
        <CardBody deal={deal} owner={owner} today={today} />
      </div>
    </div>
  );
}, sameCard);

/** CardBody is the card's content; memoized, so a drag re-renders only the sortable wrappers. */
const CardBody = memo(function CardBody({ deal, owner, today }: CardProps) {
  // Plain elements and CSS classes, not layout components: a board holds hundreds of cards,
  // and every node under the drag context is walked when a drag moves.
  const overdue = isOverdue(deal.expected_close_date, deal.status, today);
  return (
    <div className={classes.cardBody}>
      <Link to={`/deals/${deal.id}`} className={classes.title}>
        {deal.title}
      </Link>
      <div className={classes.cardLine}>
        <span className={classes.value}>{formatMoney(deal.value, deal.currency)}</span>
        {deal.status !== 'open' && (
          <span className={classes.status} data-status={deal.status}>
            {deal.status === 'won' ? 'Won' : 'Lost'}
          </span>
        )}
      </div>
      {deal.contact_id && (
        <div className={classes.meta}>
          {USER_ICON}
          <span className="crm-truncate">{deal.contact_name || 'Unnamed contact'}</span>
        </div>
      )}
      <div className={classes.cardLine}>
        <div className={classes.meta}>
          {owner ? (
            <>
              <span className={classes.avatar} aria-hidden>
                {owner.initials}
              </span>
              <span className="crm-truncate">{owner.label}</span>
            </>
          ) : (
            <span>Unassigned</span>
          )}
        </div>
        {deal.expected_close_date && (
          <span
            className={classes.date}
            data-overdue={overdue || undefined}
            title={overdue ? 'Expected close date has passed' : 'Expected close date'}
          >
            {CALENDAR_ICON}
            {formatDay(deal.expected_close_date).replace(/, \d{4}$/, '')}
          </span>
        )}
      </div>
    </div>
  );
}, sameCard);
