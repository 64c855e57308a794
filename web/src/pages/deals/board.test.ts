import { describe, expect, it } from 'vitest';
import type { BoardColumn, BoardDeal } from '../../api/deals';
import {
  appendCards,
  applyMove,
  dropPlacement,
  keyboardTarget,
  patchDeal,
  restoreDeal,
  findColumn,
  groupByStage,
  moveToColumn,
  reorderWithin,
  shiftColumns,
  sumColumns,
} from './board';

function deal(id: string, stage: string, position: number, extra: Partial<BoardDeal> = {}): BoardDeal {
  return {
    id,
    stage_id: stage,
    title: `Deal ${id}`,
    value: '100.00',
    currency: 'USD',
    contact_id: null,
    contact_name: '',
    owner_id: null,
    position,
    status: 'open',
    expected_close_date: null,
    closed_at: null,
    updated_at: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

// Stage A: a1, a2, a3; stage B: b1; stage W (won): empty.
const board = [deal('a1', 'A', 1024), deal('a2', 'A', 2048), deal('a3', 'A', 3072), deal('b1', 'B', 1024)];
const ids = (ds: BoardDeal[]) => ds.map((d) => `${d.id}@${d.stage_id}`).join(' ');

describe('groupByStage', () => {
  it('buckets in board order and keeps empty stages', () => {
    const g = groupByStage(board, ['A', 'B', 'W']);
    expect(g.A.map((d) => d.id)).toEqual(['a1', 'a2', 'a3']);
    expect(g.B.map((d) => d.id)).toEqual(['b1']);
    expect(g.W).toEqual([]);
  });
  it('drops deals of unknown stages', () => {
    expect(groupByStage([deal('x', 'Z', 1)], ['A']).A).toEqual([]);
  });
});

describe('drag preview columns', () => {
  const cols = { A: ['a1', 'a2', 'a3'], B: ['b1'], W: [] };
  it('finds a card or a column', () => {
    expect(findColumn(cols, 'a2')).toBe('A');
    expect(findColumn(cols, 'W')).toBe('W');
    expect(findColumn(cols, 'nope')).toBeUndefined();
  });
  it('moves across columns at an index', () => {
    expect(moveToColumn(cols, 'a2', 'B', 0)).toEqual({ A: ['a1', 'a3'], B: ['a2', 'b1'], W: [] });
    expect(moveToColumn(cols, 'a2', 'W', 99)).toEqual({ A: ['a1', 'a3'], B: ['b1'], W: ['a2'] });
    expect(moveToColumn(cols, 'a1', 'A', 2)).toEqual({ A: ['a2', 'a3', 'a1'], B: ['b1'], W: [] });
    expect(moveToColumn(cols, 'zz', 'A', 0)).toBe(cols);
  });
  it('reorders within a column', () => {
    expect(reorderWithin(cols, 'a3', 'a1').A).toEqual(['a3', 'a1', 'a2']);
    expect(reorderWithin(cols, 'a1', 'a3').A).toEqual(['a2', 'a3', 'a1']);
    expect(reorderWithin(cols, 'a1', 'b1')).toBe(cols);
  });
});

describe('dropPlacement', () => {
  it('is before the next shown card', () => {
    expect(dropPlacement(['x', 'a1', 'a2'], 'x', false)).toEqual({ beforeId: 'a1' });
    expect(dropPlacement(['a1', 'x', 'a2'], 'x', true)).toEqual({ beforeId: 'a2' });
  });
  it('is the end of a whole column', () => {
    expect(dropPlacement(['a1', 'a2', 'x'], 'x', false)).toEqual({});
    expect(dropPlacement(['x'], 'x', false)).toEqual({});
  });
  it('is right after the last shown card when the column has more on the server', () => {
    expect(dropPlacement(['a1', 'a2', 'x'], 'x', true)).toEqual({ afterId: 'a2' });
    // Moving a shown card to the bottom of its own column.
    expect(dropPlacement(['a2', 'a1'], 'a1', true)).toEqual({ afterId: 'a2' });
  });
  it('ignores a card that is not in the column', () => {
    expect(dropPlacement(['a1'], 'x', true)).toEqual({});
  });
});

describe('applyMove', () => {
  const now = new Date('2026-03-04T10:00:00Z');
  it('moves across stages before a card', () => {
    const next = applyMove(board, { dealId: 'a2', toStageId: 'B', beforeId: 'b1', kind: 'open' }, now);
    expect(ids(next)).toBe('a1@A a3@A a2@B b1@B');
    const moved = next.find((d) => d.id === 'a2')!;
    expect(moved.position).toBeLessThan(1024);
    expect(moved.status).toBe('open');
  });
  it('moves to the end of a stage', () => {
    const next = applyMove(board, { dealId: 'a1', toStageId: 'B', kind: 'open' }, now);
    expect(ids(next)).toBe('a2@A a3@A b1@B a1@B');
    expect(next.find((d) => d.id === 'a1')!.position).toBe(2048);
  });
  it('reorders within a stage with a position between the neighbours', () => {
    const next = applyMove(board, { dealId: 'a3', toStageId: 'A', beforeId: 'a2', kind: 'open' }, now);
    expect(ids(next)).toBe('a1@A a3@A a2@A b1@B');
    expect(next.find((d) => d.id === 'a3')!.position).toBe(1536);
  });
  it('closes a deal dropped into a won stage, and reopens it', () => {
    const won = applyMove(board, { dealId: 'b1', toStageId: 'W', kind: 'won' }, now);
    const w = won.find((d) => d.id === 'b1')!;
    expect(w).toMatchObject({ stage_id: 'W', status: 'won', closed_at: now.toISOString(), position: 1024 });
    const back = applyMove(won, { dealId: 'b1', toStageId: 'A', beforeId: 'a1', kind: 'open' }, now);
    expect(back.find((d) => d.id === 'b1')).toMatchObject({ stage_id: 'A', status: 'open', closed_at: null });
    expect(ids(back)).toBe('b1@A a1@A a2@A a3@A');
  });
  it('keeps the close date when a closed deal moves within its kind', () => {
    const closed = [deal('w1', 'W', 1, { status: 'won', closed_at: '2026-01-01T00:00:00Z' })];
    expect(applyMove(closed, { dealId: 'w1', toStageId: 'W2', kind: 'won' }, now)[0].closed_at).toBe('2026-01-01T00:00:00Z');
  });
  it('does not change the input, and ignores unknown deals', () => {
    const copy = JSON.stringify(board);
    applyMove(board, { dealId: 'a1', toStageId: 'B', kind: 'open' }, now);
    expect(JSON.stringify(board)).toBe(copy);
    expect(applyMove(board, { dealId: 'zz', toStageId: 'B', kind: 'open' }, now)).toBe(board);
  });
  it('goes right after afterId, between it and the next card', () => {
    const next = applyMove(board, { dealId: 'b1', toStageId: 'A', afterId: 'a1', kind: 'open' }, now);
    expect(ids(next)).toBe('a1@A b1@A a2@A a3@A');
    expect(next.find((d) => d.id === 'b1')!.position).toBe(1536);
    const last = applyMove(board, { dealId: 'b1', toStageId: 'A', afterId: 'a3', kind: 'open' }, now);
    expect(ids(last)).toBe('a1@A a2@A a3@A b1@A');
    expect(last.find((d) => d.id === 'b1')!.position).toBeGreaterThan(3072);
  });
  it('appends when beforeId is not in the target stage', () => {
    expect(ids(applyMove(board, { dealId: 'a1', toStageId: 'B', beforeId: 'a2', kind: 'open' }, now))).toBe('a2@A a3@A b1@B a1@B');
  });
});

describe('column counts and totals', () => {
  const cols: BoardColumn[] = [
    { stage_id: 'A', deals: 120, totals: [{ currency: 'USD', deals: 120, value: '12000.00' }], next_cursor: 'c' },
    { stage_id: 'B', deals: 1, totals: [{ currency: 'EUR', deals: 1, value: '5.50' }], next_cursor: '' },
  ];
  it('moves a deal from one column to another', () => {
    const next = shiftColumns(cols, deal('a1', 'A', 1024, { value: '100.00' }), 'B');
    expect(next[0]).toMatchObject({ deals: 119, totals: [{ currency: 'USD', deals: 119, value: '11900.00' }], next_cursor: 'c' });
    expect(next[1].deals).toBe(2);
    expect(next[1].totals).toEqual([
      { currency: 'EUR', deals: 1, value: '5.50' },
      { currency: 'USD', deals: 1, value: '100.00' },
    ]);
  });
  it('drops an emptied currency, and leaves the board for another pipeline', () => {
    const next = shiftColumns(cols, deal('b1', 'B', 1, { value: '5.50', currency: 'EUR' }), 'elsewhere');
    expect(next[1]).toMatchObject({ deals: 0, totals: [] });
    expect(next[0]).toBe(cols[0]);
    expect(shiftColumns(cols, deal('a1', 'A', 1), 'A')).toBe(cols);
  });
  it('adds columns per currency', () => {
    expect(sumColumns(cols)).toEqual({
      deals: 121,
      totals: [
        { currency: 'USD', value: '12000.00', count: 120 },
        { currency: 'EUR', value: '5.50', count: 1 },
      ],
    });
  });
});

describe('appendCards', () => {
  it('puts a page after its stage and skips cards already held', () => {
    const next = appendCards(board, 'A', [deal('a3', 'A', 3072), deal('a4', 'A', 4096), deal('a5', 'A', 5120)]);
    expect(ids(next)).toBe('a1@A a2@A a3@A a4@A a5@A b1@B');
    expect(appendCards(board, 'A', [board[2]])).toBe(board);
  });
});

describe('restoreDeal', () => {
  it('puts a refused move back where it was', () => {
    const moved = applyMove(board, { dealId: 'a2', toStageId: 'B', kind: 'open' });
    expect(ids(restoreDeal(moved, board[1]))).toBe('a1@A a2@A a3@A b1@B');
  });
  it('keeps other moves made in the meantime', () => {
    let now = applyMove(board, { dealId: 'a2', toStageId: 'B', kind: 'open' });
    now = applyMove(now, { dealId: 'a3', toStageId: 'A', beforeId: 'a1', kind: 'open' });
    expect(ids(restoreDeal(now, board[1]))).toBe('a3@A a1@A a2@A b1@B');
  });
  it('goes to the end of its stage when it was last, or to an empty stage', () => {
    const moved = applyMove(board, { dealId: 'b1', toStageId: 'A', kind: 'open' });
    expect(ids(restoreDeal(moved, board[3]))).toBe('a1@A a2@A a3@A b1@B');
  });
  it('patches one deal', () => {
    expect(patchDeal(board, 'a1', { position: 7 })[0].position).toBe(7);
    expect(patchDeal(board, 'a1', { position: 7 })[1]).toBe(board[1]);
  });
});

describe('keyboardTarget', () => {
  const cols = { A: ['a1', 'a2', 'a3'], B: ['b1'], C: [] as string[] };
  const order = ['A', 'B', 'C'];
  it('moves up and down within the column', () => {
    expect(keyboardTarget(cols, order, 'a1', 'a1', 'ArrowDown')).toBe('a2');
    expect(keyboardTarget(cols, order, 'a1', 'a2', 'ArrowDown')).toBe('a3');
    expect(keyboardTarget(cols, order, 'a1', 'a3', 'ArrowDown')).toBeNull();
    expect(keyboardTarget(cols, order, 'a2', 'a2', 'ArrowUp')).toBe('a1');
    expect(keyboardTarget(cols, order, 'a1', null, 'ArrowUp')).toBeNull();
  });
  it('moves to the neighbouring column at the same height', () => {
    expect(keyboardTarget(cols, order, 'a1', 'a1', 'ArrowRight')).toBe('b1');
    expect(keyboardTarget(cols, order, 'a3', 'a3', 'ArrowRight')).toBe('b1');
    expect(keyboardTarget(cols, order, 'b1', 'b1', 'ArrowLeft')).toBe('a1');
    expect(keyboardTarget({ ...cols, A: ['a1', 'a2', 'a3', 'x'] }, order, 'x', 'x', 'ArrowRight')).toBe('b1');
  });
  it('moves over an empty column itself, and stops at the edges', () => {
    expect(keyboardTarget(cols, order, 'b1', 'b1', 'ArrowRight')).toBe('C');
    expect(keyboardTarget(cols, order, 'a1', 'a1', 'ArrowLeft')).toBeNull();
    expect(keyboardTarget({ ...cols, C: ['b1'], B: [] }, order, 'b1', 'b1', 'ArrowRight')).toBeNull();
  });
  it('ignores other keys and unknown cards', () => {
    expect(keyboardTarget(cols, order, 'a1', 'a1', 'Enter')).toBeNull();
    expect(keyboardTarget(cols, order, 'zz', null, 'ArrowDown')).toBeNull();
  });
});
