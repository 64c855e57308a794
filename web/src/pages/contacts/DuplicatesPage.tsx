import { Anchor, Avatar, Badge, Box, Button, Card, Group, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { IconArrowLeft, IconCopyCheck, IconGitMerge, IconUserOff } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import type { Contact } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/States';
import { notifyError, notifyUndoable } from '../../components/notify';
import { useSession } from '../../components/session';
import { formatDate, formatPhone, fullName, initials, plural } from '../../lib/format';
import { reasonLabel } from '../../lib/merge';
import { MergeModal } from './MergeModal';

export const duplicateKeys = { list: ['contacts', 'duplicates'] as const };

/** DuplicatesPage lists likely duplicate contacts (same phone, very similar names) and merges a pair. */
export function DuplicatesPage() {
  const dups = useQuery({
    queryKey: duplicateKeys.list,
    queryFn: ({ signal }) => call(api.GET('/api/contacts/duplicates', { params: { query: { limit: 100 } }, signal })),
    select: (d) => d.items ?? [],
  });
  const [pair, setPair] = useState<{ a: Contact; b: Contact } | null>(null);
  const items = dups.data ?? [];
  const notDuplicates = useNotDuplicates();

  return (
    <>
      <Anchor component={Link} to="/contacts" size="sm" c="dimmed" mb="sm" display="inline-block">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Contacts
        </Group>
      </Anchor>
      <PageHeader
        title="Possible duplicates"
        description={
          dups.isSuccess && items.length > 0
            ? `${plural(items.length, 'pair')} of contacts that may be the same person: same phone number or very similar names.`
            : 'Contacts that may be the same person: same phone number or very similar names.'
        }
      />
      {dups.isPending ? (
        <Stack gap="md">
          {[0, 1].map((i) => (
            <Card key={i} p="lg">
              <Skeleton height={12} width="30%" mb="md" />
              <Skeleton height={40} />
            </Card>
          ))}
        </Stack>
      ) : dups.isError ? (
        <Card>
          <ErrorState error={dups.error} onRetry={() => dups.refetch()} title="Couldn't look for duplicates" />
        </Card>
      ) : items.length === 0 ? (
        <Card>
          <EmptyState
            icon={<IconCopyCheck size={28} />}
            title="No duplicates found"
            action={
              <Button component={Link} to="/contacts" variant="default">
                Back to contacts
              </Button>
            }
          >
            No two contacts share a phone number or have very similar names. Come back after an import to check again.
          </EmptyState>
        </Card>
      ) : (
        <Stack gap="md">
          {items.map((p) => (
            <Card key={`${p.a.id}-${p.b.id}`} p={{ base: 'md', sm: 'lg' }} data-testid="duplicate-pair">
              <Group justify="space-between" gap="xs" mb="sm" wrap="wrap">
                <Group gap={6}>
                  {(p.reasons ?? []).map((r) => (
                    <Badge key={r} variant="light" color={r === 'same_phone' ? 'orange' : 'grape'}>
                      {reasonLabel(r, p.score)}
                    </Badge>
                  ))}
                </Group>
                <Group gap="xs">
                  <Button
                    size="xs"
                    variant="default"
                    leftSection={<IconUserOff size={14} />}
                    loading={notDuplicates.isPending && notDuplicates.variables?.a.id === p.a.id && notDuplicates.variables?.b.id === p.b.id}
                    onClick={() => notDuplicates.mutate({ a: p.a, b: p.b })}
                  >
                    Not a duplicate
                  </Button>
                  <Button size="xs" leftSection={<IconGitMerge size={14} />} onClick={() => setPair({ a: p.a, b: p.b })}>
                    Merge…
                  </Button>
                </Group>
              </Group>
              <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
                <ContactSummary c={p.a} />
                <ContactSummary c={p.b} />
              </SimpleGrid>
            </Card>
          ))}
        </Stack>
      )}
      <MergeModal pair={pair} onClose={() => setPair(null)} onMerged={() => dups.refetch()} />
    </>
  );
}

/**
 * useNotDuplicates tells the server two contacts are different people, so the
 * pair leaves the list; the confirmation has an Undo that brings it back.
 */
function useNotDuplicates() {
  const qc = useQueryClient();
  const path = '/api/contacts/{id}/not-duplicates/{other_id}' as const;
  const undo = useMutation({
    mutationFn: (p: { a: Contact; b: Contact }) => call(api.DELETE(path, { params: { path: { id: p.a.id, other_id: p.b.id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: duplicateKeys.list }),
    onError: (err) => notifyError(err, 'Could not bring the pair back'),
  });
  return useMutation({
    mutationFn: (p: { a: Contact; b: Contact }) => call(api.PUT(path, { params: { path: { id: p.a.id, other_id: p.b.id } } })),
    onSuccess: (_, p) => {
      qc.invalidateQueries({ queryKey: duplicateKeys.list });
      notifyUndoable(`not-dup-${p.a.id}-${p.b.id}`, `${fullName(p.a)} and ${fullName(p.b)} won’t be suggested again.`, () => undo.mutate(p), 6000);
    },
    onError: (err) => notifyError(err, 'Could not set the pair aside'),
  });
}

function ContactSummary({ c }: { c: Contact }) {
  const me = useSession();
  const name = fullName(c);
  const lines = [c.email, formatPhone(c.phone), [c.title, c.company_name].filter(Boolean).join(' at ')].filter(Boolean);
  return (
    <Group
      gap="sm"
      wrap="nowrap"
      align="flex-start"
      p="sm"
      style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-md)' }}
      miw={0}
    >
      <Avatar size={36} radius="xl" color="brand" variant="light">
        {initials(name)}
      </Avatar>
      <Box miw={0}>
        <Anchor component={Link} to={`/contacts/${c.id}`} size="sm" fw={600} className="crm-truncate" display="block">
          {name}
        </Anchor>
        {lines.map((l) => (
          <Text key={l} size="xs" c="dimmed" className="crm-truncate">
            {l}
          </Text>
        ))}
        <Text size="xs" c="dimmed">
          Added {formatDate(c.created_at, me.timezone)}
        </Text>
      </Box>
    </Group>
  );
}
