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
