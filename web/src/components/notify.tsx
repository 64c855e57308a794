import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCheck } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { errorMessage } from '../api/errors';

/** notifyError shows any error as one readable sentence. */
export function notifyError(err: unknown, title = 'That did not work') {
  notifications.show({
    color: 'red',
    title,
    message: errorMessage(err),
    icon: <IconAlertTriangle size={18} />,
    autoClose: 7000,
  });
}

/** notifySuccess confirms an action; message may hold an Undo button. */
export function notifySuccess(message: ReactNode, opts: { title?: string; id?: string; autoClose?: number } = {}) {
  notifications.show({
    id: opts.id,
    color: 'teal',
    title: opts.title,
    message,
    icon: <IconCheck size={18} />,
    autoClose: opts.autoClose ?? 4000,
  });
}

/** notifyUndoable confirms an action with an Undo button; pressing it closes the message and calls undo. */
export function notifyUndoable(id: string, message: ReactNode, undo: () => void, autoClose = 5000) {
  notifySuccess(
    <Group gap="xs" justify="space-between" wrap="nowrap">
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {message}
      </Text>
      <Button
        size="compact-xs"
        variant="light"
        onClick={() => {
          notifications.hide(id);
          undo();
        }}
      >
        Undo
      </Button>
    </Group>,
    { id, autoClose },
  );
}
