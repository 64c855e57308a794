import { Avatar, Box, Button, Card, Group, Select, Skeleton, Stack, Text } from '@mantine/core';
import { IconHistory, IconRobot } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { flattenPages } from '../../api/activities';
import { describeAudit, useAuditEvents, type AuditQuery } from '../../api/trash';
import { EmptyState, ErrorState } from '../../components/States';
import { useSession } from '../../components/session';
import { formatDateTime, formatRelative, initials } from '../../lib/format';

/** The trail's filter choices: everything, one kind of record, or one action. */
const FILTERS: { group: string; items: { value: string; label: string; query: Omit<AuditQuery, 'cursor' | 'limit'> }[] }[] = [
  { group: 'Everything', items: [{ value: 'all', label: 'All events', query: {} }] },
  {
    group: 'Contacts',
    items: [
      { value: 'contact', label: 'Anything about contacts', query: { entity_type: 'contact' } },
      { value: 'contact.deleted', label: 'Contacts deleted', query: { action: 'contact.deleted' } },
      { value: 'contact.restored', label: 'Contacts restored', query: { action: 'contact.restored' } },
      { value: 'contact.purged', label: 'Contacts deleted for good', query: { action: 'contact.purged' } },
      { value: 'contact.merged', label: 'Contacts merged', query: { action: 'contact.merged' } },
    ],
  },
  {
    group: 'Deals',
    items: [
      { value: 'deal', label: 'Anything about deals', query: { entity_type: 'deal' } },
      { value: 'deal.deleted', label: 'Deals deleted', query: { action: 'deal.deleted' } },
      { value: 'deal.restored', label: 'Deals restored', query: { action: 'deal.restored' } },
      { value: 'deal.purged', label: 'Deals deleted for good', query: { action: 'deal.purged' } },
    ],
  },
  {
    group: 'Team',
    items: [
      { value: 'member', label: 'Members (roles, removals)', query: { entity_type: 'member' } },
      { value: 'invite', label: 'Invites', query: { entity_type: 'invite' } },
      { value: 'api_token', label: 'API tokens', query: { entity_type: 'api_token' } },
    ],
  },
];

/** AuditTrailTab lists who did what in the company, newest first (admins). */
export function AuditTrailTab() {
  const me = useSession();
  const [params, setParams] = useSearchParams();
  const filter = params.get('show') ?? 'all';
  const choice = FILTERS.flatMap((g) => g.items).find((i) => i.value === filter) ?? FILTERS[0].items[0];
  const list = useAuditEvents(choice.query);
  const items = useMemo(() => flattenPages(list.data), [list.data]);

  return (
    <Card p={0} style={{ overflow: 'hidden' }}>
      <Group justify="space-between" p="md" wrap="wrap" gap="sm" align="flex-end">
        <Box style={{ flex: '1 1 260px' }}>
          <Text fw={650}>Audit trail</Text>
          <Text size="sm" c="dimmed">
            Who did what in {me.company.name}, and when. Entries are kept and cannot be changed.
          </Text>
        </Box>
        <Select
          aria-label="Show"
          w={{ base: '100%', xs: 260 }}
          data={FILTERS.map((g) => ({ group: g.group, items: g.items.map(({ value, label }) => ({ value, label })) }))}
          value={choice.value}
          allowDeselect={false}
          onChange={(v) => {
            const next = new URLSearchParams(params);
            if (!v || v === 'all') next.delete('show');
            else next.set('show', v);
            setParams(next, { replace: true });
          }}
        />
      </Group>
      {list.isPending ? (
        <Stack p="md" gap="md">
          <Skeleton height={12} width="60%" />
          <Skeleton height={12} width="45%" />
        </Stack>
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<IconHistory size={28} />} title="Nothing here yet">
          Deleting, restoring and purging contacts and deals is recorded here.
        </EmptyState>
      ) : (
        <Box component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Audit trail">
          {items.map((e) => (
            <Box
              component="li"
              key={e.id}
              px="md"
              py="sm"
              data-testid="audit-row"
              style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
            >
              <Group gap="sm" wrap="nowrap" align="flex-start">
                <Avatar size={32} radius="xl" color={e.actor_id ? 'brand' : 'gray'}>
                  {e.actor_id ? initials(e.actor_name || '?') : <IconRobot size={18} />}
                </Avatar>
                <Box miw={0} style={{ flex: 1 }}>
                  <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                    <Text span fw={600}>
                      {e.actor_id === me.user.id ? 'You' : e.actor_name || 'A former teammate'}
                    </Text>{' '}
                    {describeAudit(e)}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(e.at, me.timezone)} · {formatRelative(e.at)}
                  </Text>
                </Box>
              </Group>
            </Box>
          ))}
        </Box>
      )}
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
