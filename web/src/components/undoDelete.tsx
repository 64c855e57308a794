import { Anchor } from '@mantine/core';
import { useCallback } from 'react';
import { Link } from 'react-router';
import { useRestore, type TrashType } from '../api/trash';
import { notifyError, notifySuccess, notifyUndoable } from './notify';

const PATHS: Record<TrashType, string> = { contact: '/contacts', deal: '/deals' };

/**
 * useUndoDelete returns what to call after deleting contacts or deals: it
 * confirms that they went to the trash and offers Undo, which restores them
 * from the trash (with their activities, texts, calls and links) and offers
 * to open a single restored record.
 */
export function useUndoDelete() {
  const restore = useRestore();
  const { mutateAsync } = restore;
  return useCallback(
    (type: TrashType, ids: string[], message: string) => {
      const undo = async () => {
        try {
          const restored = await Promise.all(ids.map((id) => mutateAsync({ type, id })));
          const one = restored.length === 1 ? restored[0] : undefined;
          notifySuccess(
            one ? (
              <>
                {one.name || 'It'} was restored.{' '}
                <Anchor component={Link} to={`${PATHS[type]}/${one.id}`} size="sm">
                  Open
                </Anchor>
              </>
            ) : (
              `${restored.length} ${type}s were restored.`
            ),
          );
        } catch (err) {
          notifyError(err, 'Could not restore from the trash');
        }
      };
      notifyUndoable(`deleted-${type}-${ids.join('-').slice(0, 80)}`, message, undo, 8000);
    },
    [mutateAsync],
  );
}
