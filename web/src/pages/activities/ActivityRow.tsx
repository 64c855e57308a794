import { ActionIcon, Anchor, Badge, Box, Checkbox, Group, Menu, Text, ThemeIcon } from '@mantine/core';
import { IconCalendarEvent, IconCheckbox, IconDots, IconGitMerge, IconNote, IconPencil, IconPhone, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { isDoable, type Activity } from '../../api/activities';
import { notifyCompleted, typeLabel, useDeleteActivity, useToggleDone } from '../../components/activityActions';
import { useSession } from '../../components/session';
import { formatDateTime } from '../../lib/format';
import { dueLabel } from '../../lib/zoned';

const TYPE_ICON: Record<Activity['type'], { color: string; icon: ReactNode }> = {
  task: { color: 'brand', icon: <IconCheckbox size={16} /> },
  note: { color: 'yellow', icon: <IconNote size={16} /> },
  call: { color: 'teal', icon: <IconPhone size={16} /> },
  meeting: { color: 'grape', icon: <IconCalendarEvent size={16} /> },
  system: { color: 'gray', icon: <IconGitMerge size={16} /> },
};

/**
 * ActivityRow is one line of a task list: a checkbox to complete or reopen
 * (tasks, calls, meetings), the subject, when it is due in the company's time
 * zone, who it is for and what it is about, and edit/delete.
 */
export function ActivityRow({ activity: a, onEdit, showType = false }: { activity: Activity; onEdit: (a: Activity) => void; showType?: boolean }) {
  const me = useSession();
  const toggle = useToggleDone();
  const del = useDeleteActivity();
  const done = a.done_at != null;
  const tz = me.timezone;
  const due = a.due_at ? dueLabel(a.due_at, tz) : null;
  const style = TYPE_ICON[a.type] ?? TYPE_ICON.note;

  return (
    <Group gap="sm" wrap="nowrap" align="flex-start" py="sm" px={{ base: 'sm', sm: 'md' }} data-testid="activity-row" data-done={done || undefined}>
      {isDoable(a.type) ? (
        <Checkbox
          mt={2}
          radius="xl"
          aria-label={done ? `Reopen “${a.subject}”` : `Mark “${a.subject}” done`}
          checked={done}
          onChange={(e) => {
            const next = e.currentTarget.checked;
            toggle.mutate({ activity: a, done: next });
            if (next) notifyCompleted(a, () => toggle.mutate({ activity: a, done: false }));
          }}
        />
      ) : (
        <ThemeIcon size={20} radius="xl" variant="light" color={style.color} mt={1} aria-hidden>
          {style.icon}
        </ThemeIcon>
      )}
      <Box miw={0} style={{ flex: 1 }}>
        <Text
          size="sm"
          fw={600}
          td={done ? 'line-through' : undefined}
          c={done ? 'dimmed' : undefined}
          style={{ wordBreak: 'break-word', cursor: a.type === 'system' ? undefined : 'pointer' }}
          onClick={() => a.type !== 'system' && onEdit(a)}
        >
          {a.subject}
        </Text>
        <Group gap={8} mt={2} wrap="wrap" style={{ rowGap: 2 }}>
          {showType && (
            <Badge size="xs" variant="light" color={style.color}>
              {typeLabel(a.type)}
            </Badge>
          )}
          {due && !done && (
            <Text
              span
              size="xs"
              c={due.bucket === 'overdue' ? 'red' : 'dimmed'}
              fw={due.bucket === 'overdue' ? 600 : undefined}
              title={formatDateTime(a.due_at, tz)}
            >
              {due.text}
              {due.hint && due.bucket === 'overdue' ? ` · ${due.hint}` : ''}
            </Text>
          )}
          {done && a.done_at && (
            <Text span size="xs" c="dimmed">
              Done {formatDateTime(a.done_at, tz)}
            </Text>
          )}
          {a.contact_id && a.contact_name && (
            <Anchor component={Link} to={`/contacts/${a.contact_id}`} size="xs" className="crm-truncate" maw={220}>
              {a.contact_name}
            </Anchor>
          )}
          {a.deal_id && a.deal_title && (
            <Anchor component={Link} to={`/deals/${a.deal_id}`} size="xs" className="crm-truncate" maw={220}>
              {a.deal_title}
            </Anchor>
          )}
          {a.assignee_id !== me.user.id && (
            <Text span size="xs" c="dimmed">
              {a.assignee_name ? `For ${a.assignee_name}` : isDoable(a.type) ? 'Unassigned' : ''}
            </Text>
          )}
        </Group>
      </Box>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for “${a.subject}”`}>
            <IconDots size={16} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {a.type !== 'system' && (
            <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => onEdit(a)}>
              Edit
            </Menu.Item>
          )}
          <Menu.Item leftSection={<IconTrash size={14} />} color="red" onClick={() => del.confirm(a)}>
            Delete
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
