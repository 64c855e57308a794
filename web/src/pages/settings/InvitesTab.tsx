import { ActionIcon, Badge, Box, Button, Card, Group, Menu, Modal, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { IconDots, IconLink, IconMailForward, IconTrash, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { keys, useInvites } from '../../api/queries';
import type { Invite } from '../../api/types';
import { CopyField } from '../../components/CopyField';
import { notifyError, notifySuccess } from '../../components/notify';
import { EmptyState, ErrorState, PageLoader } from '../../components/States';
import { useSession } from '../../components/session';
import { formatDate, formatRelative, roleLabel } from '../../lib/format';
import { InviteModal } from './InviteModal';

export function InvitesTab() {
  const me = useSession();
  const qc = useQueryClient();
  const invites = useInvites();
  const [inviteOpened, inviteModal] = useDisclosure(false);
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);

  const newLink = useMutation({
    mutationFn: (inv: Invite) => call(api.POST('/api/invites/{id}/link', { params: { path: { id: inv.id } } })),
    onSuccess: (res, inv) => {
      qc.invalidateQueries({ queryKey: keys.invites });
      setLink({ email: inv.email, url: res.accept_url });
    },
    onError: (err) => notifyError(err, 'Could not create a new link'),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/invites/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: keys.invites });
      notifySuccess('Invite revoked. Its link no longer works.');
    },
    onError: (err) => notifyError(err, 'Could not revoke the invite'),
  });
  const confirmRevoke = (inv: Invite) =>
    modals.openConfirmModal({
      title: `Revoke the invite for ${inv.email}?`,
      children: <Text size="sm">The invite link stops working. You can invite them again later.</Text>,
      labels: { confirm: 'Revoke invite', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => revoke.mutate(inv.id),
    });

  const now = new Date();
  return (
    <Card p={0}>
      <Group justify="space-between" p="md" wrap="wrap" gap="sm">
        <Box>
          <Text fw={650}>Pending invites</Text>
          <Text size="sm" c="dimmed">
            Links are shown once. Lost one? Create a new link — the old one stops working.
          </Text>
        </Box>
        <Button leftSection={<IconUserPlus size={16} />} onClick={inviteModal.open}>
          Invite user
        </Button>
      </Group>
      {invites.isPending ? (
        <PageLoader />
      ) : invites.isError ? (
        <ErrorState error={invites.error} onRetry={() => invites.refetch()} />
      ) : invites.data.length === 0 ? (
        <EmptyState
          icon={<IconMailForward size={28} />}
          title="No pending invites"
          action={
            <Button variant="default" leftSection={<IconUserPlus size={16} />} onClick={inviteModal.open}>
              Invite a teammate
            </Button>
          }
        >
          Invite your team so everyone works from the same contact list.
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={0}>
          <Table className="crm-table" verticalSpacing="sm" horizontalSpacing="md">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th visibleFrom="sm">Invited by</Table.Th>
                <Table.Th visibleFrom="sm">Expires</Table.Th>
                <Table.Th w={50}>
                  <span className="crm-sr-only">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invites.data.map((inv) => {
                const expired = new Date(inv.expires_at) < now;
                return (
                  <Table.Tr key={inv.id} data-testid="invite-row">
                    <Table.Td maw={0} style={{ width: '100%' }}>
                      <Text size="sm" fw={550} className="crm-truncate">
                        {inv.email}
                      </Text>
                      <Text size="xs" c="dimmed">
                        Sent {formatRelative(inv.created_at)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={inv.role === 'member' ? 'gray' : 'brand'}>
                        {roleLabel(inv.role)}
                      </Badge>
                    </Table.Td>
                    <Table.Td visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">{inv.invited_by_name || '—'}</Text>
                    </Table.Td>
                    <Table.Td visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
                      {expired ? (
                        <Badge color="red" variant="light">
                          Expired
                        </Badge>
                      ) : (
                        <Text size="sm" c="dimmed" title={formatDate(inv.expires_at, me.timezone)}>
                          {formatRelative(inv.expires_at)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for invite ${inv.email}`}>
                            <IconDots size={16} />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item leftSection={<IconLink size={16} />} onClick={() => newLink.mutate(inv)}>
                            Copy new link
                          </Menu.Item>
                          <Menu.Item leftSection={<IconTrash size={16} />} color="red" onClick={() => confirmRevoke(inv)}>
                            Revoke
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <InviteModal opened={inviteOpened} onClose={inviteModal.close} />
      <Modal opened={link != null} onClose={() => setLink(null)} title="New invite link">
        {link && (
          <Stack gap="md">
            <Text size="sm">
              Send this link to <b>{link.email}</b>. Earlier links for this invite no longer work.
            </Text>
            <CopyField label="Invite link" value={link.url} />
            <Group justify="flex-end">
              <Button onClick={() => setLink(null)}>Done</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Card>
  );
}
