import { Badge, Button, Card, Group, Table, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconDeviceDesktop, IconDeviceMobile } from '@tabler/icons-react';
import { type Session, useEndOtherSessions, useEndSession, useSessions } from '../../api/account';
import { notifyError, notifySuccess } from '../../components/notify';
import { ErrorState, PageLoader } from '../../components/States';
import { useSession } from '../../components/session';
import { formatDateTime, formatRelative, plural } from '../../lib/format';

function isPhone(s: Session) {
  return /iPhone|Android|iPad/.test(s.device);
}

export function SessionsCard() {
  const me = useSession();
  const sessions = useSessions();
  const end = useEndSession();
  const endOthers = useEndOtherSessions();
  const others = (sessions.data ?? []).filter((s) => !s.current).length;

  const confirmEndOthers = () =>
    modals.openConfirmModal({
      title: 'Sign out everywhere else?',
      children: <Text size="sm">Every browser signed in as you, except this one, has to log in again.</Text>,
      labels: { confirm: 'Sign out the others', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        endOthers.mutate(undefined, {
          onSuccess: (r) => notifySuccess(`${plural(r.ended, 'session')} signed out.`),
          onError: (err) => notifyError(err, 'Could not sign them out'),
        }),
    });

  return (
    <Card p={0}>
      <Group justify="space-between" p="lg" pb="sm" wrap="wrap" gap="sm">
        <div>
          <Title order={2} size="h4" mb={4}>
            Where you are signed in
          </Title>
          <Text size="sm" c="dimmed">
            Sessions end after 14 days without use, and 30 days after signing in at the latest.
          </Text>
        </div>
        <Button variant="default" color="red" disabled={others === 0} loading={endOthers.isPending} onClick={confirmEndOthers}>
          Sign out everywhere else
        </Button>
      </Group>
      {sessions.isPending ? (
        <PageLoader />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => sessions.refetch()} />
      ) : (
        <Table.ScrollContainer minWidth={0}>
          <Table className="crm-table" verticalSpacing="sm" horizontalSpacing="md">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Device</Table.Th>
                <Table.Th visibleFrom="sm">Last used</Table.Th>
                <Table.Th visibleFrom="md">Signed in</Table.Th>
                <Table.Th w={110}>
                  <span className="crm-sr-only">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sessions.data.map((s) => (
                <Table.Tr key={s.id} data-testid="session-row">
                  <Table.Td maw={0} style={{ width: '100%' }}>
                    <Group gap="xs" wrap="nowrap">
                      {isPhone(s) ? <IconDeviceMobile size={18} /> : <IconDeviceDesktop size={18} />}
                      <div style={{ minWidth: 0 }}>
                        <Group gap={6} wrap="nowrap">
                          <Text size="sm" fw={550} className="crm-truncate">
                            {s.device}
                          </Text>
                          {s.current && (
                            <Badge size="xs" variant="light" color="teal">
                              This browser
                            </Badge>
                          )}
                        </Group>
                        <Text size="xs" c="dimmed" className="crm-truncate">
                          {s.ip || 'unknown address'} · in {s.company_name}
                        </Text>
                      </div>
                    </Group>
                  </Table.Td>
                  <Table.Td visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm" c="dimmed">
                      {s.current ? 'Now' : formatRelative(s.last_seen_at)}
                    </Text>
                  </Table.Td>
                  <Table.Td visibleFrom="md" style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm" c="dimmed">
                      {formatDateTime(s.created_at, me.timezone)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {!s.current && (
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        loading={end.isPending && end.variables === s.id}
                        onClick={() =>
                          end.mutate(s.id, {
                            onSuccess: () => notifySuccess(`Signed out ${s.device}.`),
                            onError: (err) => notifyError(err, 'Could not sign it out'),
                          })
                        }
                      >
                        Sign out
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
