import type { BoardColumn, BoardDeal, ColumnTotal, StageKind } from '../../api/deals';
import { fromCents, toCents, type CurrencyTotal } from '../../lib/money';

/*
 * The kanban's bookkeeping, kept pure so it is unit-tested: grouping deals into
 * columns, the drag preview's column lists, where a dropped card lands
 * (before_id or after_id for POST /api/deals/{id}/move), the optimistic board
 * update with its column counts and totals, and a column's further pages.
 *
 * The board holds each column's first cards only (the server's per-stage
 * pages); a column's count and totals come from the server's aggregate, and
 * "Show more" appends the column's next page.
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
 * dropPlacement answers "where does the dropped card go?" for the move
 * request. visible is the target column's cards as shown after the drop (the
 * dropped card included); hasMore says the column has cards on the server
 * below the last one shown. A card followed by another goes before it; a card
 * dropped below the last shown one of a column with more goes right after
 * that card (so it stays where it was seen, not after cards never loaded);
 * otherwise it goes to the end.
 */
export function dropPlacement(visible: readonly string[], activeId: string, hasMore: boolean): { beforeId?: string; afterId?: string } {
  const i = visible.indexOf(activeId);
  if (i < 0) return {};
  if (i + 1 < visible.length) return { beforeId: visible[i + 1] };
  if (hasMore && i > 0) return { afterId: visible[i - 1] };
  return {};
}

/** A move as the board applies it before the server answers. */
export interface Move {
  dealId: string;
  toStageId: string;
  /** Place before this deal of the target stage; absent for the end. */
  beforeId?: string;
  /** Place right after this deal of the target stage (instead of beforeId). */
  afterId?: string;
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
  const after = move.afterId ? rest.findIndex((d) => d.id === move.afterId && d.stage_id === move.toStageId) : -1;
  let position: number;
  if (after >= 0) {
    at = after + 1;
    const next = at < rest.length && rest[at].stage_id === move.toStageId ? rest[at].position : rest[after].position + 2048;
    position = (rest[after].position + next) / 2;
  } else if (at >= 0) {
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

/** columnTotals reads a column's per-currency totals as money sums. */
export function columnTotals(totals: readonly ColumnTotal[]): CurrencyTotal[] {
  return totals.map((t) => ({ currency: t.currency, value: t.value, count: t.deals }));
}

/** sumColumns adds the totals of several columns per currency (most deals first, then alphabetical). */
export function sumColumns(columns: readonly BoardColumn[]): { deals: number; totals: CurrencyTotal[] } {
  const sums = new Map<string, { cents: bigint; count: number }>();
  let deals = 0;
  for (const c of columns) {
    deals += c.deals;
    for (const t of c.totals ?? []) {
      const s = sums.get(t.currency) ?? { cents: 0n, count: 0 };
      s.cents += toCents(t.value) ?? 0n;
      s.count += t.deals;
      sums.set(t.currency, s);
    }
  }
  const totals = [...sums.entries()]
    .map(([currency, s]) => ({ currency, value: fromCents(s.cents), count: s.count }))
    .filter((t) => t.count > 0)
    .sort((a, b) => b.count - a.count || a.currency.localeCompare(b.currency));
  return { deals, totals };
}

/** addToTotals adds (or with sign -1 removes) one deal to a column's totals. */
function addToTotals(totals: readonly ColumnTotal[], deal: Pick<BoardDeal, 'value' | 'currency'>, sign: 1 | -1): ColumnTotal[] {
  const out = totals.map((t) => ({ ...t }));
  let t = out.find((x) => x.currency === deal.currency);
  if (!t) {
    t = { currency: deal.currency, deals: 0, value: '0.00' };
    out.push(t);
  }
  t.deals += sign;
  t.value = fromCents((toCents(t.value) ?? 0n) + BigInt(sign) * (toCents(deal.value) ?? 0n));
  return out.filter((x) => x.deals > 0).sort((a, b) => b.deals - a.deals || a.currency.localeCompare(b.currency));
}

/**
 * shiftColumns is a move's effect on the column counts and totals: the deal
 * leaves its stage's column and joins the target's (a target of another
 * pipeline is not on this board). Unchanged when the stage stays the same.
 */
export function shiftColumns(columns: readonly BoardColumn[], deal: BoardDeal, toStageId: string): BoardColumn[] {
  if (deal.stage_id === toStageId) return columns as BoardColumn[];
  return columns.map((c) => {
    if (c.stage_id === deal.stage_id) return { ...c, deals: Math.max(0, c.deals - 1), totals: addToTotals(c.totals ?? [], deal, -1) };
    if (c.stage_id === toStageId) return { ...c, deals: c.deals + 1, totals: addToTotals(c.totals ?? [], deal, 1) };
    return c;
  });
}

/**
 * appendCards puts a column's next page after the stage's last card, in board
 * order, skipping cards the board already holds (a card dropped below the
 * last shown card comes back in the next page).
 */
export function appendCards(deals: readonly BoardDeal[], stageId: string, page: readonly BoardDeal[]): BoardDeal[] {
  const have = new Set(deals.map((d) => d.id));
  const fresh = page.filter((d) => !have.has(d.id));
  if (fresh.length === 0) return deals as BoardDeal[];
  let last = -1;
  for (let i = 0; i < deals.length; i++) if (deals[i].stage_id === stageId) last = i;
  const at = last >= 0 ? last + 1 : deals.length;
  return [...deals.slice(0, at), ...fresh, ...deals.slice(at)];
}
