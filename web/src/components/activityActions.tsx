import { Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  editActivityEverywhere,
  isTimelineKey,
  refreshAfterActivityChange,
  restoreSnapshot,
  type Activity,
  type CacheSnapshot,
} from '../api/activities';
import { api, call } from '../api/client';
import { isApiError } from '../api/errors';
import { notifyError, notifySuccess, notifyUndoable } from './notify';

/** typeLabel names an activity type for people. */
export function typeLabel(t: Activity['type']): string {
  switch (t) {
    case 'task':
      return 'Task';
    case 'note':
      return 'Note';
    case 'call':
      return 'Call';
    case 'meeting':
      return 'Meeting';
    default:
      return 'System';
  }
}

/**
 * useToggleDone completes or reopens an activity optimistically: every list,
 * My tasks and timeline showing it changes at once, and rolls back with a
 * message if the server refuses.
 */
export function useToggleDone() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ activity, done }: { activity: Activity; done: boolean }) =>
      done
        ? call(api.POST('/api/activities/{id}/complete', { params: { path: { id: activity.id } } }))
        : call(api.POST('/api/activities/{id}/reopen', { params: { path: { id: activity.id } } })),
    onMutate: async ({ activity, done }): Promise<{ snapshot: CacheSnapshot }> => {
      await qc.cancelQueries({ predicate: (q) => q.queryKey[0] === 'activities' || isTimelineKey(q.queryKey) });
      const doneAt = done ? new Date().toISOString() : null;
      return { snapshot: editActivityEverywhere(qc, activity.id, (a) => ({ ...a, done_at: doneAt })) };
    },
    onError: (err, { done }, ctx) => {
      restoreSnapshot(qc, ctx?.snapshot);
      notifyError(err, done ? 'Could not complete the task' : 'Could not reopen the task');
    },
    onSuccess: (saved) => {
      editActivityEverywhere(qc, saved.id, () => saved);
    },
    onSettled: () => refreshAfterActivityChange(qc, { keepMyTasks: true }),
  });
}

/** useDeleteActivity asks first, then deletes and refreshes every list and timeline. */
export function useDeleteActivity() {
  const qc = useQueryClient();
  const remove = useMutation({
    mutationFn: (a: Activity) => call(api.DELETE('/api/activities/{id}', { params: { path: { id: a.id } } })),
    onSuccess: (_res, a) => {
      editActivityEverywhere(qc, a.id, () => null);
      refreshAfterActivityChange(qc);
      notifySuccess(`${typeLabel(a.type)} deleted.`);
    },
    onError: (err, a) => {
      // Gone already (deleted elsewhere, or merged away): just refresh.
      if (isApiError(err, 404)) {
        editActivityEverywhere(qc, a.id, () => null);
        refreshAfterActivityChange(qc);
        return;
      }
      notifyError(err, 'Could not delete it');
    },
  });
  const confirm = (a: Activity) =>
    modals.openConfirmModal({
      title: `Delete this ${typeLabel(a.type).toLowerCase()}?`,
      children: <Text size="sm">“{a.subject}” will be removed for everyone, from every timeline it is on. This cannot be undone.</Text>,
      labels: { confirm: 'Delete', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(a),
    });
  return { confirm, isPending: remove.isPending };
}

/** notifyCompleted confirms a completed task with an Undo that reopens it. */
export function notifyCompleted(a: Activity, undo: () => void) {
  notifyUndoable(`done-${a.id}`, `Done: ${a.subject}`, undo);
}
