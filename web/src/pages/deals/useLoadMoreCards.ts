import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { BOARD_PAGE, boardQuery, dealKeys, type Board } from '../../api/deals';
import { appendCards } from './board';

/**
 * useLoadMoreCards loads a column's next page into the cached board it came
 * from (the key of useBoard) and moves the column's cursor on.
 */
export function useLoadMoreCards(pipelineId: string, ownerId: string, q: string) {
  const qc = useQueryClient();
  const key = dealKeys.board(pipelineId, ownerId, q.trim());
  return useMutation({
    mutationFn: ({ stageId, cursor }: { stageId: string; cursor: string }) =>
      call(
        api.GET('/api/pipelines/{id}/stages/{stage_id}/deals', {
          params: { path: { id: pipelineId, stage_id: stageId }, query: { cursor, limit: BOARD_PAGE, ...boardQuery(ownerId, q) } },
        }),
      ),
    onError: (err) => notifications.show({ color: 'red', title: 'More deals could not be loaded', message: errorMessage(err) }),
    onSuccess: (page, { stageId, cursor }) => {
      qc.setQueryData<Board>(key, (board) => {
        if (!board) return board;
        const columns = board.columns ?? [];
        // A page for a cursor the column has moved past (a double click) adds nothing.
        if (!columns.some((c) => c.stage_id === stageId && c.next_cursor === cursor)) return board;
        return {
          ...board,
          deals: appendCards(board.deals ?? [], stageId, page.items ?? []),
          columns: columns.map((c) => (c.stage_id === stageId ? { ...c, next_cursor: page.next_cursor } : c)),
        };
      });
    },
  });
}
