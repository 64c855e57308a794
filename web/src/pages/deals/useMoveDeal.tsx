import { notifications } from '@mantine/notifications';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { isTimelineKey } from '../../api/activities';
import { api, call } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { dealKeys, type Board, type BoardDeal, type Deal } from '../../api/deals';
import { applyMove, patchDeal, restoreDeal, shiftColumns, type Move } from './board';

export interface MoveRequest extends Move {
  reason?: string;
  /** For the messages: the deal's title and the names of the stages. */
  title: string;
  fromStageName: string;
}

/**
 * refreshAfterDealChange marks what a changed deal affects as stale: lists,
 * its page and timeline, stage totals and the dashboard. Kanban boards are not
 * refetched (that would drop the columns' loaded pages); their cached copy,
 * cards and column counts, is patched instead.
 */
export function refreshAfterDealChange(qc: QueryClient, dealId?: string) {
  qc.invalidateQueries({ queryKey: ['deals', 'list'] });
  qc.invalidateQueries({ queryKey: dealKeys.pipelines });
  qc.invalidateQueries({ queryKey: dealKeys.dashboards });
  if (dealId) {
    qc.invalidateQueries({ queryKey: dealKeys.deal(dealId) });
    qc.invalidateQueries({ queryKey: dealKeys.timeline(dealId) });
  }
  // The contact's timeline shows its deals' stage changes too.
  qc.invalidateQueries({ predicate: (q) => isTimelineKey(q.queryKey) });
}

/**
 * useMoveDeal moves a deal on the board: the board changes at once
 * (optimistic), and when the server refuses, the card goes back where it was
 * and a notification says why.
 */
export function useMoveDeal() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (m: MoveRequest) =>
      call(
        api.POST('/api/deals/{id}/move', {
          params: { path: { id: m.dealId } },
          body: {
            stage_id: m.toStageId,
            ...(m.beforeId ? { before_id: m.beforeId } : {}),
            ...(m.afterId ? { after_id: m.afterId } : {}),
            ...(m.reason ? { reason: m.reason } : {}),
          },
        }),
      ),
    onMutate: async (m) => {
      await qc.cancelQueries({ queryKey: dealKeys.boards });
      let original: BoardDeal | undefined;
      for (const [key, board] of qc.getQueriesData<Board>({ queryKey: dealKeys.boards })) {
        const deals = board?.deals;
        if (!deals) continue;
        const found = deals.find((d) => d.id === m.dealId);
        if (!found) continue;
        original ??= found;
        qc.setQueryData<Board>(key, {
          ...board,
          deals: applyMove(deals, m),
          columns: shiftColumns(board.columns ?? [], found, m.toStageId),
        });
      }
      return { original };
    },
    onError: (err, m, ctx) => {
      const original = ctx?.original;
      if (original) {
        for (const [key, board] of qc.getQueriesData<Board>({ queryKey: dealKeys.boards })) {
          if (!board?.deals?.some((d) => d.id === m.dealId)) continue;
          qc.setQueryData<Board>(key, {
            ...board,
            deals: restoreDeal(board.deals, original),
            columns: shiftColumns(board.columns ?? [], { ...original, stage_id: m.toStageId }, original.stage_id),
          });
        }
      }
      // Whatever the server holds now is the truth.
      qc.invalidateQueries({ queryKey: dealKeys.boards });
      notifications.show({
        color: 'red',
        title: `“${m.title}” was not moved`,
        message: `${errorMessage(err)} It is back in ${m.fromStageName}.`,
        icon: <IconArrowBackUp size={18} />,
        autoClose: 8000,
      });
    },
    onSuccess: (deal: Deal) => {
      const patch: Partial<BoardDeal> = {
        stage_id: deal.stage_id,
        position: deal.position,
        status: deal.status,
        closed_at: deal.closed_at,
        updated_at: deal.updated_at,
      };
      for (const [key, board] of qc.getQueriesData<Board>({ queryKey: dealKeys.boards })) {
        if (!board?.deals?.some((d) => d.id === deal.id)) continue;
        if (board.pipeline.id !== deal.pipeline_id) {
          // Moved to another pipeline: it leaves this board.
          qc.setQueryData<Board>(key, { ...board, deals: board.deals.filter((d) => d.id !== deal.id) });
        } else {
          qc.setQueryData<Board>(key, { ...board, deals: patchDeal(board.deals, deal.id, patch) });
        }
      }
      qc.setQueryData(dealKeys.deal(deal.id), deal);
      refreshAfterDealChange(qc, deal.id);
    },
  });
}
