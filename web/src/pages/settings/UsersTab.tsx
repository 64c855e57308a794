import { ActionIcon, Avatar, Badge, Box, Button, Card, Group, Select, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { IconShieldCheck, IconUserMinus, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { keys, useUsers } from '../../api/queries';
import type { Role, User } from '../../api/types';
import { notifyError, notifySuccess } from '../../components/notify';
import { EmptyState, ErrorState, PageLoader } from '../../components/States';
import { useSession } from '../../components/session';
import { formatDate, initials, roleLabel } from '../../lib/format';
import { InviteModal } from './InviteModal';

const ROLE_COLORS: Record<string, string> = { owner: 'grape', admin: 'brand', member: 'gray' };

export function UsersTab() {
  const me = useSession();
  const qc = useQueryClient();
  const users = useUsers();
  const [inviteOpened, inviteModal] = useDisclosure(false);

  const changeRole = useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) => call(api.PATCH('/api/users/{id}', { params: { path: { id } }, body: { role } })),
    onSuccess: (_u, v) => {
      qc.invalidateQueries({ queryKey: keys.users });
      notifySuccess(`Role changed to ${roleLabel(v.role)}.`);
    },
    onError: (err) => {
      qc.invalidateQueries({ queryKey: keys.users });
      notifyError(err, 'Could not change the role');
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/users/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: keys.users });
      notifySuccess('User removed. They were signed out of this company at once.');
    },
    onError: (err) => notifyError(err, 'Could not remove the user'),
  });

  const confirmRemove = (u: User) =>
    modals.openConfirmModal({
      title: `Remove ${u.name || u.email}?`,
      children: <Text size="sm">They lose access to {me.company.name} immediately. Their contacts stay. You can invite them again later.</Text>,
      labels: { confirm: 'Remove user', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(u.id),
    });

  const canEditRole = (u: User) => u.id !== me.user.id && (me.role === 'owner' || u.role !== 'owner');
  const options = (u: User) => [
    { value: 'member', label: 'Member' },
    { value: 'admin', label: 'Admin' },
    ...(me.role === 'owner' || u.role === 'owner' ? [{ value: 'owner', label: 'Owner' }] : []),
  ];

  return (
    <Card p={0}>
      <Group justify="space-between" p="md" wrap="wrap" gap="sm">
        <Box>
          <Text fw={650}>Team members</Text>
          <Text size="sm" c="dimmed">
            Everyone who can sign in to {me.company.name}.
          </Text>
        </Box>
        <Button leftSection={<IconUserPlus size={16} />} onClick={inviteModal.open}>
          Invite user
        </Button>
      </Group>
      {users.isPending ? (
        <PageLoader />
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => users.refetch()} />
      ) : users.data.length === 0 ? (
        <EmptyState icon={<IconUsers size={28} />} title="No users yet" />
      ) : (
        <Table.ScrollContainer minWidth={0}>
          <Table className="crm-table" verticalSpacing="sm" horizontalSpacing="md">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th w={150}>Role</Table.Th>
                <Table.Th visibleFrom="sm">Two-step</Table.Th>
                <Table.Th visibleFrom="sm">Joined</Table.Th>
                <Table.Th w={50}>
                  <span className="crm-sr-only">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data.map((u) => (
                <Table.Tr key={u.id} data-testid="user-row">
                  <Table.Td maw={0} style={{ width: '100%' }}>
                    <Group gap="sm" wrap="nowrap">
                      <Avatar size={34} radius="xl" color="brand" variant="light">
                        {initials(u.name || u.email)}
                      </Avatar>
                      <Box miw={0}>
                        <Text size="sm" fw={550} className="crm-truncate">
                          {u.name || u.email}
                          {u.id === me.user.id && (
                            <Text span c="dimmed" size="xs">
                              {' '}
                              (you)
                            </Text>
                          )}
                        </Text>
                        <Text size="xs" c="dimmed" className="crm-truncate">
                          {u.email}
                        </Text>
                      </Box>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {canEditRole(u) ? (
                      <Select
                        aria-label={`Role of ${u.name || u.email}`}
                        size="xs"
                        data={options(u)}
                        value={u.role}
                        allowDeselect={false}
                        onChange={(role) => role && role !== u.role && changeRole.mutate({ id: u.id, role: role as Role })}
                        w={120}
                      />
                    ) : (
                      <Badge color={ROLE_COLORS[u.role]} variant="light">
                        {roleLabel(u.role)}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
                    {u.two_factor ? (
                      <Badge variant="light" color="teal" leftSection={<IconShieldCheck size={12} />}>
                        On
                      </Badge>
                    ) : (
                      <Text size="sm" c="dimmed">
                        Off
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm" c="dimmed">
                      {formatDate(u.joined_at, me.timezone)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {canEditRole(u) && (
                      <Tooltip label="Remove from company">
                        <ActionIcon variant="subtle" color="red" onClick={() => confirmRemove(u)} aria-label={`Remove ${u.name || u.email}`}>
                          <IconUserMinus size={16} />
                        </ActionIcon>
                      </Tooltip>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <InviteModal opened={inviteOpened} onClose={inviteModal.close} />
    </Card>
  );
}
