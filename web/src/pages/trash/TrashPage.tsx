import { ActionIcon, Anchor, Badge, Box, Button, Card, Group, Skeleton, Stack, Table, Tabs, Text, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconAddressBook, IconReportMoney, IconRestore, IconTrash, IconTrashX } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { flattenPages } from '../../api/activities';
import { isAdmin } from '../../api/queries';
import { daysLeft, useDeleteForever, useRestore, useTrash, type TrashItem, type TrashType } from '../../api/trash';
import { notifyError, notifySuccess } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/States';
import { useSession } from '../../components/session';
import { formatDateTime, formatRelative } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { NotFoundPage } from '../notfound/NotFoundPage';

const TABS: { value: string; type: TrashType; label: string; icon: typeof IconTrash; path: string }[] = [
  { value: 'contacts', type: 'contact', label: 'Contacts', icon: IconAddressBook, path: '/contacts' },
  { value: 'deals', type: 'deal', label: 'Deals', icon: IconReportMoney, path: '/deals' },
];

/** TrashPage lists deleted contacts and deals for admins, who restore them or delete them for good. */
export function TrashPage() {
  const me = useSession();
  const { tab = 'contacts' } = useParams();
  const navigate = useNavigate();
  if (!isAdmin(me.role)) return <NotFoundPage />;
  const current = TABS.find((t) => t.value === tab);
  if (!current) return <Navigate to="/trash/contacts" replace />;
  return (
    <>
      <PageHeader
        title="Trash"
        description="Deleted contacts and deals wait here for 30 days, then are deleted for good. Restoring one brings back its activities, texts, calls and links."
      />
      <Tabs value={tab} onChange={(v) => v && navigate(`/trash/${v}`)} keepMounted={false} variant="outline" className="crm-tabs">
        <Tabs.List mb="lg">
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value} leftSection={<t.icon size={16} />}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {TABS.map((t) => (
          <Tabs.Panel key={t.value} value={t.value}>
            <TrashList type={t.type} path={t.path} label={t.label.toLowerCase()} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}

function TrashList({ type, path, label }: { type: TrashType; path: string; label: string }) {
  const me = useSession();
  const list = useTrash(type);
  const items = useMemo(() => flattenPages(list.data), [list.data]);
  const restore = useRestore();
  const purge = useDeleteForever();

  const onRestore = (item: TrashItem) =>
    restore.mutate(
      { type, id: item.id },
      {
        onSuccess: (r) =>
          notifySuccess(
            <>
              {r.name || item.name} was restored.{' '}
              <Anchor component={Link} to={`${path}/${r.id}`} size="sm">
                Open
              </Anchor>
            </>,
          ),
        onError: (err) => notifyError(err, `Could not restore ${item.name}`),
      },
    );
  const confirmPurge = (item: TrashItem) =>
    modals.openConfirmModal({
      title: `Delete “${item.name}” forever?`,
      children: (
        <Text size="sm">
          {type === 'contact'
            ? 'The contact and its activities are deleted for good. Its texts and calls stay, under its phone number; its deals stay, without it.'
            : 'The deal, its stage history and its activities are deleted for good.'}{' '}
          This cannot be undone.
        </Text>
      ),
      labels: { confirm: 'Delete forever', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        purge.mutate(
          { type, id: item.id },
          {
            onSuccess: () => notifySuccess(`${item.name} was deleted for good.`),
            onError: (err) => notifyError(err, `Could not delete ${item.name}`),
          },
        ),
    });

  if (list.isPending) {
    return (
      <Card>
        <Stack gap="md">
          <Skeleton height={12} width="60%" />
          <Skeleton height={12} width="40%" />
          <Skeleton height={12} width="50%" />
        </Stack>
      </Card>
    );
  }
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  if (items.length === 0) {
    return (
      <Card p={0}>
        <EmptyState icon={<IconTrash size={28} />} title={`No deleted ${label}`}>
          When someone deletes {type === 'contact' ? 'a contact' : 'a deal'}, it waits here for 30 days before it is gone for good.
        </EmptyState>
      </Card>
    );
  }
  return (
    <Card p={0} style={{ overflow: 'hidden' }}>
      <Table.ScrollContainer minWidth={0}>
        <Table className="crm-table" verticalSpacing="sm" horizontalSpacing="md">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{type === 'contact' ? 'Contact' : 'Deal'}</Table.Th>
              <Table.Th visibleFrom="sm">Deleted by</Table.Th>
              <Table.Th visibleFrom="sm">Deleted</Table.Th>
              <Table.Th>Left</Table.Th>
              <Table.Th w={1}>
                <span className="crm-sr-only">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => {
              const left = daysLeft(item.purge_at);
              const who = item.deleted_by === me.user.id ? 'You' : item.deleted_by_name || 'A former teammate';
              return (
                <Table.Tr key={item.id} data-testid="trash-row">
                  <Table.Td maw={0} style={{ width: '100%' }}>
                    <Text size="sm" fw={550} className="crm-truncate" title={item.name}>
                      {item.name || 'Unnamed'}
                    </Text>
                    {(item.value || item.description) && (
                      <Text size="xs" c="dimmed" className="crm-truncate" title={item.description}>
                        {item.value ? formatMoney(item.value, item.currency ?? '') : item.description}
                      </Text>
                    )}
                    <Text size="xs" c="dimmed" hiddenFrom="sm" className="crm-truncate">
                      {who} · {formatRelative(item.deleted_at)}
                    </Text>
                  </Table.Td>
                  <Table.Td visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm">{who}</Text>
                  </Table.Td>
                  <Table.Td visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
                    <Tooltip label={formatDateTime(item.deleted_at, me.timezone)}>
                      <Text size="sm" c="dimmed">
                        {formatRelative(item.deleted_at)}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Tooltip label={`Deleted for good on ${formatDateTime(item.purge_at, me.timezone)}`}>
                      <Badge variant="light" color={left <= 3 ? 'red' : left <= 7 ? 'orange' : 'gray'} data-testid="days-left">
                        {left === 1 ? '1 day' : `${left} days`}
                      </Badge>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap" justify="flex-end">
                      {/* A labelled button where there is room, an icon on a phone. */}
                      <Button
                        visibleFrom="sm"
                        size="compact-sm"
                        variant="light"
                        leftSection={<IconRestore size={16} />}
                        onClick={() => onRestore(item)}
                        loading={restore.isPending && restore.variables?.id === item.id}
                        aria-label={`Restore ${item.name}`}
                      >
                        Restore
                      </Button>
                      <ActionIcon
                        hiddenFrom="sm"
                        variant="subtle"
                        onClick={() => onRestore(item)}
                        loading={restore.isPending && restore.variables?.id === item.id}
                        aria-label={`Restore ${item.name}`}
                      >
                        <IconRestore size={18} />
                      </ActionIcon>
                      <Tooltip label="Delete forever">
                        <ActionIcon variant="subtle" color="red" onClick={() => confirmPurge(item)} aria-label={`Delete ${item.name} forever`}>
                          <IconTrashX size={18} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.hasNextPage && (
        <Box p="md" ta="center">
          <Button variant="default" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
            Load more
          </Button>
        </Box>
      )}
    </Card>
  );
}
