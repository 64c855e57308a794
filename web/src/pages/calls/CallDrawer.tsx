import { Alert, Anchor, Box, Button, Center, Divider, Drawer, Group, Loader, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconAlertCircle, IconFlask, IconMicrophone } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import { fieldErrors, isApiError } from '../../api/errors';
import { phoneKeys, refreshAfterCall, useCall, type Call } from '../../api/phone';
import { CallButton, CallDirectionIcon, CallStatusBadge } from '../../components/phone';
import { notifySuccess } from '../../components/notify';
import { ErrorState } from '../../components/States';
import { useSession } from '../../components/session';
import { formatDateTime, formatDuration, formatPhone } from '../../lib/format';
import { callParty } from './common';

interface Props {
  id: string | null;
  onClose: () => void;
  /** The call as the list has it, shown at once. */
  listed?: Call;
}

/** CallDrawer shows one call: who, when, how long, its recording, and notes that go on the contact's timeline. */
export function CallDrawer({ id, onClose, listed }: Props) {
  const phone = useMediaQuery('(max-width: 36em)');
  const detail = useCall(id);
  const c = detail.data ?? listed;
  return (
    <Drawer
      opened={Boolean(id)}
      onClose={onClose}
      position={phone ? 'bottom' : 'right'}
      size={phone ? '92%' : 'md'}
      title={
        c ? (
          <Group gap="xs" wrap="nowrap">
            <CallDirectionIcon direction={c.direction} />
            <Title order={2} size="h4">
              {c.direction === 'inbound' ? 'Call from' : 'Call to'} {callParty(c)}
            </Title>
          </Group>
        ) : (
          'Call'
        )
      }
      data-testid="call-drawer"
    >
      {detail.isError && isApiError(detail.error, 404, 400, 422) ? (
        <Text c="dimmed" size="sm">
          This call doesn’t exist or was deleted.
        </Text>
      ) : detail.isError && !c ? (
        <ErrorState error={detail.error} onRetry={() => detail.refetch()} title="Couldn't load this call" />
      ) : !c ? (
        <Center py="xl">
          <Loader size="sm" />
        </Center>
      ) : (
        <CallDetails key={c.id} c={c} />
      )}
    </Drawer>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" style={{ letterSpacing: '0.04em' }}>
        {label}
      </Text>
      <Box mt={2}>{children}</Box>
    </Box>
  );
}

function CallDetails({ c }: { c: Call }) {
  const me = useSession();
  const tz = me.timezone;
  const party = callParty(c);
  return (
    <Stack gap="md">
      <SimpleGrid cols={2} spacing="md" verticalSpacing="md">
        <Fact label="Status">
          <Group gap={6}>
            <CallStatusBadge c={c} />
            {c.simulated && (
              <Group gap={2} c="grape" wrap="nowrap">
                <IconFlask size={12} />
                <Text size="xs">Simulated</Text>
              </Group>
            )}
          </Group>
        </Fact>
        <Fact label="Duration">
          <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="call-duration">
            {formatDuration(c.duration_seconds)}
          </Text>
        </Fact>
        <Fact label="Contact">
          {c.contact_id ? (
            <Anchor component={Link} to={`/contacts/${c.contact_id}`} size="sm">
              {c.contact_name || 'Unnamed contact'}
            </Anchor>
          ) : (
            <Text size="sm" c="dimmed">
              Not a contact
            </Text>
          )}
        </Fact>
        <Fact label={c.direction === 'inbound' ? 'Answered by' : 'Made by'}>
          <Text size="sm">{c.user_id === me.user.id ? 'You' : c.user_name || (c.answered_by === 'voicemail' ? 'Voicemail' : '—')}</Text>
        </Fact>
        <Fact label="From">
          <Text size="sm">{formatPhone(c.from)}</Text>
        </Fact>
        <Fact label="To">
          <Text size="sm">{formatPhone(c.to)}</Text>
        </Fact>
        <Fact label="Started">
          <Text size="sm">{formatDateTime(c.started_at ?? c.created_at, tz)}</Text>
        </Fact>
        <Fact label="Ended">
          <Text size="sm">{c.ended_at ? formatDateTime(c.ended_at, tz) : '—'}</Text>
        </Fact>
      </SimpleGrid>
      {c.contact_id && (
        <Group>
          <CallButton
            contactId={c.contact_id}
            name={party}
            phone={c.direction === 'inbound' ? c.from : c.to}
            variant="default"
            label={c.direction === 'inbound' ? 'Call back' : 'Call again'}
          />
        </Group>
      )}
      <Divider />
      <Box>
        <Group gap={6} mb={6}>
          <IconMicrophone size={16} />
          <Text fw={600} size="sm">
            Recording
          </Text>
          {c.has_recording && c.recording_duration > 0 && (
            <Text size="xs" c="dimmed">
              {formatDuration(c.recording_duration)}
            </Text>
          )}
        </Group>
        {c.has_recording ? (
          <audio controls preload="none" src={`/api/calls/${c.id}/recording`} style={{ width: '100%' }} data-testid="call-recording">
            Your browser cannot play this recording.
          </audio>
        ) : (
          <Text size="sm" c="dimmed">
            No recording for this call.
          </Text>
        )}
      </Box>
      <Divider />
      <NotesForm c={c} />
    </Stack>
  );
}

function NotesForm({ c }: { c: Call }) {
  const qc = useQueryClient();
  const [notes, setNotes] = useState(c.notes);
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (v: string) => call(api.PATCH('/api/calls/{id}', { params: { path: { id: c.id } }, body: { notes: v } })),
    onSuccess: (saved) => {
      qc.setQueryData(phoneKeys.call(saved.id), saved);
      refreshAfterCall(qc);
      setError(null);
      notifySuccess(saved.contact_id ? 'Notes saved to the contact’s timeline.' : 'Notes saved.');
    },
    onError: (err) => {
      if (isApiError(err) && err.problem.errors?.length) {
        const { fields, general } = fieldErrors(err.problem, ['notes']);
        setError(fields.notes ?? general.join(' '));
      } else setError(isApiError(err) ? err.message : 'Could not save the notes.');
    },
  });
  const dirty = notes !== c.notes;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(notes);
      }}
    >
      <Stack gap="xs">
        <Textarea
          label="Notes"
          description={c.contact_id ? 'Saved on the contact’s timeline as a call.' : 'Link the number to a contact to see notes on a timeline.'}
          placeholder="What was discussed? Next steps?"
          autosize
          minRows={4}
          maxRows={12}
          value={notes}
          onChange={(e) => setNotes(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
              e.preventDefault();
              save.mutate(notes);
            }
          }}
          error={error}
        />
        {save.isError && !error && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>
            Could not save the notes.
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending} disabled={!dirty}>
            Save notes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
