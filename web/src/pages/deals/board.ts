import type { BoardDeal, StageKind } from '../../api/deals';

/*
 * The kanban's bookkeeping, kept pure so it is unit-tested: grouping deals into
 * columns, the drag preview's column lists, where a dropped card lands
 * (before_id for POST /api/deals/{id}/move) and the optimistic board update.
 */

/** Columns maps a stage id to the ids of its cards, top to bottom. */
export type Columns = Record<string, string[]>;

/** groupByStage buckets deals into their stages, keeping the board order (the server sends stage, then position order). */
export function groupByStage(deals: readonly BoardDeal[], stageIds: readonly string[]): Record<string, BoardDeal[]> {
  const out: Record<string, BoardDeal[]> = {};
  for (const id of stageIds) out[id] = [];
  for (const d of deals) {
    const col = out[d.stage_id];
    if (col) col.push(d);
  }
  return out;
}

/** matchesSearch is the board's title search: every word must appear in the title or the contact's name. */
export function matchesSearch(deal: Pick<BoardDeal, 'title' | 'contact_name'>, q: string): boolean {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = `${deal.title} ${deal.contact_name ?? ''}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** findColumn tells which column holds a card id, or the column itself when id is a column id. */
export function findColumn(cols: Columns, id: string): string | undefined {
  if (id in cols) return id;
  for (const [stage, ids] of Object.entries(cols)) if (ids.includes(id)) return stage;
  return undefined;
}

/** moveToColumn takes a card out of its column and inserts it into another at index (clamped). */
export function moveToColumn(cols: Columns, id: string, to: string, index: number): Columns {
  const from = findColumn(cols, id);
  if (!from || !(to in cols)) return cols;
  const without = cols[from].filter((x) => x !== id);
  const target = from === to ? without : cols[to].filter((x) => x !== id);
  const at = Math.max(0, Math.min(index, target.length));
  return { ...cols, [from]: without, [to]: [...target.slice(0, at), id, ...target.slice(at)] };
}

/** reorderWithin moves a card to another card's place in the same column (arrayMove). */
export function reorderWithin(cols: Columns, id: string, overId: string): Columns {
  const col = findColumn(cols, id);
  if (!col || findColumn(cols, overId) !== col) return cols;
  const ids = cols[col];
  const from = ids.indexOf(id);
  const to = ids.indexOf(overId);
  if (from < 0 || to < 0 || from === to) return cols;
  const next = [...ids];
  next.splice(from, 1);
  next.splice(to, 0, id);
  return { ...cols, [col]: next };
}

/**
 * beforeIdAfterDrop answers "which deal does the dropped card go before?" for
 * the move request. visible is the target column's cards as shown after the
 * drop (the dropped card included); all is every card of that column that the
 * current filters show, in board order (the column may show only its first
 * cards). A card dropped below the last shown card goes before the first
 * hidden one, so it lands exactly where it was seen. undefined means "at the end".
 */
export function beforeIdAfterDrop(visible: readonly string[], activeId: string, all: readonly string[]): string | undefined {
  const i = visible.indexOf(activeId);
  if (i < 0) return undefined;
  if (i + 1 < visible.length) return visible[i + 1];
  const rest = all.filter((id) => id !== activeId);
  if (i === 0) return rest.find((id) => !visible.includes(id));
  const prev = visible[i - 1];
  const at = rest.indexOf(prev);
  if (at < 0) return undefined;
  return rest[at + 1];
}

/** A move as the board applies it before the server answers. */
export interface Move {
  dealId: string;
  toStageId: string;
  /** Place before this deal of the target stage; absent for the end. */
  beforeId?: string;
  /** The target stage's kind: moving into won or lost closes the deal, into open reopens it. */
  kind: StageKind;
}

/**
 * applyMove is the optimistic board: the deal taken out and put into the
 * target stage before beforeId (or after the stage's last deal), with the
 * status and close date the server will give it. The array stays in board
 * order; positions are set between the new neighbours. Unknown ids change nothing.
 */
export function applyMove(deals: readonly BoardDeal[], move: Move, now: Date = new Date()): BoardDeal[] {
  const idx = deals.findIndex((d) => d.id === move.dealId);
  if (idx < 0) return deals as BoardDeal[];
  const deal = deals[idx];
  const rest = deals.filter((d) => d.id !== move.dealId);
  let at = move.beforeId ? rest.findIndex((d) => d.id === move.beforeId && d.stage_id === move.toStageId) : -1;
  let position: number;
  if (at >= 0) {
    const before = rest[at];
    const prev = at > 0 && rest[at - 1].stage_id === move.toStageId ? rest[at - 1].position : before.position - 1024;
    position = (prev + before.position) / 2;
  } else {
    let last = -1;
    for (let i = 0; i < rest.length; i++) if (rest[i].stage_id === move.toStageId) last = i;
    at = last >= 0 ? last + 1 : rest.length;
    position = last >= 0 ? rest[last].position + 1024 : 1024;
  }
  const closing = move.kind !== 'open';
  const moved: BoardDeal = {
    ...deal,
    stage_id: move.toStageId,
    position,
    status: move.kind,
    closed_at: closing ? (deal.status === move.kind && deal.closed_at ? deal.closed_at : now.toISOString()) : null,
  };
  return [...rest.slice(0, at), moved, ...rest.slice(at)];
}

/** visibleCount is how many cards a column shows: its page size times the pages asked for, never more than it holds. */
export function visibleCount(total: number, pages: number, pageSize: number): number {
  return Math.min(total, Math.max(1, pages) * pageSize);
}

/**
 * restoreDeal undoes an optimistic move that the server refused: the deal as
 * it was goes back into its stage at its old position, whatever else moved in
 * the meantime.
 */
export function restoreDeal(deals: readonly BoardDeal[], original: BoardDeal): BoardDeal[] {
  const rest = deals.filter((d) => d.id !== original.id);
  let at = rest.findIndex((d) => d.stage_id === original.stage_id && d.position > original.position);
  if (at < 0) {
    let last = -1;
    for (let i = 0; i < rest.length; i++) if (rest[i].stage_id === original.stage_id) last = i;
    at = last >= 0 ? last + 1 : rest.length;
  }
  return [...rest.slice(0, at), original, ...rest.slice(at)];
}

/** patchDeal puts the server's answer (position, status, close date…) into the board's copy of a deal. */
export function patchDeal(deals: readonly BoardDeal[], id: string, patch: Partial<BoardDeal>): BoardDeal[] {
  return deals.map((d) => (d.id === id ? { ...d, ...patch } : d));
}

/**
 * keyboardTarget is where an arrow key takes a card being moved with the
 * keyboard: Up and Down to the card above or below in its column, Left and
 * Right to the neighbouring column at the same height (or the column itself
 * when it is empty). It answers the id of the card or column to move over, or
 * null when there is nowhere to go. over is what the card is over now.
 */
export function keyboardTarget(cols: Columns, order: readonly string[], activeId: string, over: string | null, key: string): string | null {
  const col = findColumn(cols, activeId);
  if (!col) return null;
  const ids = cols[col];
  const at = over !== null && ids.includes(over) ? ids.indexOf(over) : ids.indexOf(activeId);
  switch (key) {
    case 'ArrowUp':
    case 'ArrowDown': {
      const next = at + (key === 'ArrowDown' ? 1 : -1);
      return next >= 0 && next < ids.length ? ids[next] : null;
    }
    case 'ArrowLeft':
    case 'ArrowRight': {
      const c = order.indexOf(col) + (key === 'ArrowRight' ? 1 : -1);
      if (c < 0 || c >= order.length) return null;
      const target = order[c];
      const others = (cols[target] ?? []).filter((id) => id !== activeId);
      return others.length === 0 ? target : others[Math.min(Math.max(at, 0), others.length - 1)];
    }
    default:
      return null;
  }
}
