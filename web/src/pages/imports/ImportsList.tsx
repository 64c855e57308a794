import { ActionIcon, Anchor, Badge, Box, Button, Card, Group, Menu, Progress, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconDots, IconDownload, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import { failuresUrl, importKeys, isRunning, useImports, type Import, type ImportStatus } from '../../api/imports';
import { notifyError, notifySuccess } from '../../components/notify';
import { ErrorState } from '../../components/States';
import { useSession } from '../../components/session';
import { formatDateTime, formatRelative, plural } from '../../lib/format';
import { progressPercent } from '../../lib/importMapping';

const STATUS: Record<ImportStatus, { label: string; color: string }> = {
  uploaded: { label: 'Not started', color: 'gray' },
  queued: { label: 'Queued', color: 'blue' },
  running: { label: 'Running', color: 'blue' },
  done: { label: 'Done', color: 'teal' },
  failed: { label: 'Failed', color: 'red' },
};

/** ImportsList shows past imports with their status; running ones refresh on their own. */
export function ImportsList() {
  const me = useSession();
  const qc = useQueryClient();
  const list = useImports();
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.items ?? []) ?? [], [list.data]);

  const remove = useMutation({
    mutationFn: (i: Import) => call(api.DELETE('/api/imports/{id}', { params: { path: { id: i.id } } })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: importKeys.all });
      notifySuccess('Import removed. What it imported stays.');
    },
    onError: (err) => notifyError(err, 'Could not remove the import'),
  });
  const confirmRemove = (i: Import) =>
    modals.openConfirmModal({
      title: 'Remove this import?',
      children: (
        <Text size="sm">
          The uploaded file{i.failed_rows > 0 ? ' and its report of failed rows' : ''} are deleted. The {i.kind} it imported stay.
          {isRunning(i.status) ? ' A running import stops after its current batch.' : ''}
        </Text>
      ),
      labels: { confirm: 'Remove', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(i),
    });

  return (
    <Card p={0} style={{ overflow: 'hidden' }}>
      <Box p={{ base: 'md', sm: 'lg' }} pb="sm">
        <Title order={2}>Past imports</Title>
      </Box>
      {list.isPending ? (
        <Stack p="lg" gap="md">
          <Skeleton height={12} width="60%" />
          <Skeleton height={12} width="40%" />
        </Stack>
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} title="Couldn't load imports" />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed" px={{ base: 'md', sm: 'lg' }} pb="lg">
          No imports yet. Files you import show up here with how they went.
        </Text>
      ) : (
        <>
          <Table.ScrollContainer minWidth={0}>
            <Table className="crm-table" verticalSpacing="sm" horizontalSpacing="md" data-testid="imports-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>File</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th visibleFrom="sm">Rows</Table.Th>
                  <Table.Th visibleFrom="md" ta="right">
                    Uploaded
                  </Table.Th>
                  <Table.Th w={40} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((i) => (
                  <Table.Tr key={i.id} data-testid="import-row">
                    <Table.Td maw={0} style={{ width: '100%' }}>
                      <Anchor component={Link} to={`/import?id=${i.id}`} className="crm-link-cell crm-truncate" display="block" size="sm">
                        {i.file_name || 'CSV file'}
                      </Anchor>
                      <Text size="xs" c="dimmed" className="crm-truncate">
                        {i.kind === 'deals' ? 'Deals' : 'Contacts'}
                        <Text span hiddenFrom="sm" size="xs">
                          {' · '}
                          {rowsText(i)}
                        </Text>
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Badge variant="light" color={STATUS[i.status].color} size="sm">
                        {STATUS[i.status].label}
                      </Badge>
                      {isRunning(i.status) && <Progress value={progressPercent(i.processed_rows, i.total_rows)} size="xs" mt={4} w={80} />}
                    </Table.Td>
                    <Table.Td visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">{rowsText(i)}</Text>
                      {i.failed_rows > 0 && (
                        <Text size="xs" c="red">
                          {plural(i.failed_rows, 'row')} failed
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td visibleFrom="md" ta="right" style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm" c="dimmed" title={formatDateTime(i.created_at, me.timezone)}>
                        {formatRelative(i.created_at)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${i.file_name || 'this import'}`}>
                            <IconDots size={16} />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          {i.failed_rows > 0 && (
                            <Menu.Item component="a" href={failuresUrl(i.id)} download leftSection={<IconDownload size={14} />}>
                              Download report
                            </Menu.Item>
                          )}
                          <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => confirmRemove(i)}>
                            Remove
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {list.hasNextPage && (
            <Group justify="center" p="md">
              <Button variant="default" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                Load more
              </Button>
            </Group>
          )}
        </>
      )}
    </Card>
  );
}

function rowsText(i: Import): string {
  if (i.status === 'uploaded') return plural(i.total_rows, 'row');
  if (isRunning(i.status)) return `${i.processed_rows.toLocaleString('en-US')} of ${plural(i.total_rows, 'row')}`;
  return `${(i.created_rows + i.updated_rows).toLocaleString('en-US')} of ${i.total_rows.toLocaleString('en-US')} imported`;
}
