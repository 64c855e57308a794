import { Alert, Anchor, Badge, Box, Button, Group, List, Modal, Radio, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconAlertCircle, IconGitMerge } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { keys } from '../../api/queries';
import type { Contact } from '../../api/types';
import { notifySuccess } from '../../components/notify';
import { useSession } from '../../components/session';
import { formatPhone, fullName } from '../../lib/format';
import {
  clashingCustomFields,
  defaultPicks,
  defaultSurvivor,
  differingFields,
  fieldValue,
  MERGE_LABELS,
  mergedTags,
  mergeRequest,
  type MergeField,
  type Picks,
  type Side,
} from '../../lib/merge';
import { useOwnerOptions } from './ContactFormModal';

interface Props {
  pair: { a: Contact; b: Contact } | null;
  onClose: () => void;
  onMerged?: (survivor: Contact) => void;
}

/** MergeModal folds one contact of a duplicate pair into the other, keeping the value of each field the person picks. */
export function MergeModal({ pair, onClose, onMerged }: Props) {
  const phone = useMediaQuery('(max-width: 36em)');
  return (
    <Modal
      opened={pair !== null}
      onClose={onClose}
      title="Merge contacts"
      size="xl"
      fullScreen={phone}
      transitionProps={phone ? { transition: 'slide-up' } : undefined}
    >
      {pair && <MergeForm key={`${pair.a.id}-${pair.b.id}`} a={pair.a} b={pair.b} onCancel={onClose} onMerged={(c) => (onMerged?.(c), onClose())} />}
    </Modal>
  );
}

function MergeForm({ a, b, onCancel, onMerged }: { a: Contact; b: Contact; onCancel: () => void; onMerged: (c: Contact) => void }) {
  const qc = useQueryClient();
  const me = useSession();
  const owners = useOwnerOptions();
  const narrow = useMediaQuery('(max-width: 36em)') ?? false;
  const [survivor, setSurvivor] = useState<Side>(() => defaultSurvivor(a, b));
  const [touched, setTouched] = useState<Picks>({});
  const picks: Picks = useMemo(() => ({ ...defaultPicks(a, b, survivor), ...touched }), [a, b, survivor, touched]);
  const differing = differingFields(a, b);
  const clashes = clashingCustomFields(a, b);
  const same = (['first_name', 'last_name', 'email', 'phone', 'company_name', 'title'] as MergeField[]).filter(
    (f) => !differing.includes(f) && fieldValue(a, f) !== '',
  );
  const [s, d] = survivor === 'a' ? [a, b] : [b, a];
  const tags = mergedTags(a, b, survivor);

  const ownerName = (id: string) => (id === me.user.id ? 'You' : (owners.users.find((u) => u.id === id)?.name ?? 'A former teammate'));
  const show = (c: Contact, f: MergeField) => {
    const v = fieldValue(c, f);
    if (!v) return null;
    if (f === 'phone') return formatPhone(v);
    if (f === 'owner_id') return ownerName(v);
    return v;
  };

  const merge = useMutation({
    mutationFn: () => {
      const req = mergeRequest(a, b, survivor, picks);
      return call(api.POST('/api/contacts/{id}/merge', { params: { path: { id: req.survivorId } }, body: req.body }));
    },
    onSuccess: (saved) => {
      qc.setQueryData(keys.contact(saved.id), saved);
      qc.removeQueries({ queryKey: keys.contact(d.id) });
      qc.invalidateQueries({ queryKey: keys.contacts });
      qc.invalidateQueries({ queryKey: ['deals'] });
      qc.invalidateQueries({ queryKey: ['activities'] });
      notifySuccess(
        <>
          Merged {fullName(d)} into {fullName(saved)}.{' '}
          <Anchor component={Link} to={`/contacts/${saved.id}`} size="sm">
            Open
          </Anchor>
        </>,
      );
      onMerged(saved);
    },
  });

  const pick = (f: MergeField | 'custom_fields', side: Side) => setTouched((t) => ({ ...t, [f]: side }));

  const valueCell = (c: Contact, side: Side, f: MergeField) => {
    const v = show(c, f);
    return (
      <Table.Td>
        <Radio
          name={`merge-${f}`}
          value={side}
          checked={picks[f] === side}
          onChange={() => pick(f, side)}
          aria-label={`Keep ${MERGE_LABELS[f].toLowerCase()} ${v ?? '(empty)'} from ${fullName(c)}`}
          label={
            v ? (
              <Text size="sm" style={{ wordBreak: 'break-word' }}>
                {v}
              </Text>
            ) : (
              <Text size="sm" c="dimmed">
                (empty)
              </Text>
            )
          }
        />
      </Table.Td>
    );
  };

  return (
    <Stack gap="md">
      <Box>
        <Text size="sm" fw={500} mb={6} id="merge-keep-label">
          Which contact stays?
        </Text>
        <SegmentedControl
          aria-labelledby="merge-keep-label"
          fullWidth
          value={survivor}
          onChange={(v) => setSurvivor(v as Side)}
          data={[
            { value: 'a', label: fullName(a) },
            { value: 'b', label: fullName(b) },
          ]}
        />
        <Text size="xs" c="dimmed" mt={6}>
          {fullName(s)} keeps its link and history; {fullName(d)}’s deals and activities move to it, then {fullName(d)} is deleted.
        </Text>
      </Box>

      {differing.length > 0 && narrow ? (
        <Stack gap="sm" data-testid="merge-fields">
          {differing.map((f) => (
            <Box key={f} p="sm" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-md)' }}>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase" mb={6} style={{ letterSpacing: '0.04em' }}>
                {MERGE_LABELS[f]}
              </Text>
              <Stack gap={8}>
                {(['a', 'b'] as Side[]).map((side) => {
                  const c = side === 'a' ? a : b;
                  const v = show(c, f);
                  return (
                    <Radio
                      key={side}
                      name={`merge-${f}`}
                      value={side}
                      checked={picks[f] === side}
                      onChange={() => pick(f, side)}
                      aria-label={`Keep ${MERGE_LABELS[f].toLowerCase()} ${v ?? '(empty)'} from ${fullName(c)}`}
                      label={
                        <Text size="sm" c={v ? undefined : 'dimmed'} style={{ wordBreak: 'break-word' }}>
                          {v ?? '(empty)'}
                        </Text>
                      }
                      description={`from ${fullName(c)}${side === survivor ? ' (stays)' : ''}`}
                    />
                  );
                })}
              </Stack>
            </Box>
          ))}
          {clashes.length > 0 && (
            <Box p="sm" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-md)' }}>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase" mb={6} style={{ letterSpacing: '0.04em' }}>
                Custom fields: {clashes.join(', ')}
              </Text>
              <Stack gap={8}>
                {(['a', 'b'] as Side[]).map((side) => (
                  <Radio
                    key={side}
                    name="merge-custom"
                    value={side}
                    checked={picks.custom_fields === side}
                    onChange={() => pick('custom_fields', side)}
                    label={<Text size="sm">{clashes.map((k) => `${k}: ${String((side === 'a' ? a : b).custom_fields[k] ?? '')}`).join(', ')}</Text>}
                    description={`from ${fullName(side === 'a' ? a : b)}`}
                  />
                ))}
              </Stack>
            </Box>
          )}
        </Stack>
      ) : differing.length > 0 ? (
        <Table.ScrollContainer minWidth={420}>
          <Table verticalSpacing="sm" className="crm-table" data-testid="merge-fields">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={110}>Field</Table.Th>
                <Table.Th>
                  {fullName(a)}
                  {survivor === 'a' && (
                    <Badge size="xs" ml={6} variant="light">
                      stays
                    </Badge>
                  )}
                </Table.Th>
                <Table.Th>
                  {fullName(b)}
                  {survivor === 'b' && (
                    <Badge size="xs" ml={6} variant="light">
                      stays
                    </Badge>
                  )}
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {differing.map((f) => (
                <Table.Tr key={f}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {MERGE_LABELS[f]}
                    </Text>
                  </Table.Td>
                  {valueCell(a, 'a', f)}
                  {valueCell(b, 'b', f)}
                </Table.Tr>
              ))}
              {clashes.length > 0 && (
                <Table.Tr>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      Custom fields
                    </Text>
                    <Text size="xs" c="dimmed">
                      {clashes.join(', ')}
                    </Text>
                  </Table.Td>
                  {(['a', 'b'] as Side[]).map((side) => (
                    <Table.Td key={side}>
                      <Radio
                        name="merge-custom"
                        value={side}
                        checked={picks.custom_fields === side}
                        onChange={() => pick('custom_fields', side)}
                        label={
                          <Text size="sm">{clashes.map((k) => `${k}: ${String((side === 'a' ? a : b).custom_fields[k] ?? '')}`).join(', ')}</Text>
                        }
                      />
                    </Table.Td>
                  ))}
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text size="sm" c="dimmed">
          Every field has the same value in both contacts.
        </Text>
      )}

      <List size="sm" c="dimmed" spacing={2}>
        {same.length > 0 && <List.Item>Same in both: {same.map((f) => MERGE_LABELS[f].toLowerCase()).join(', ')}.</List.Item>}
        <List.Item>Tags are combined{tags.length > 0 ? `: ${tags.join(', ')}` : ''}.</List.Item>
        <List.Item>Other custom fields are kept from both.</List.Item>
        <List.Item>The merge is recorded on {fullName(s)}’s timeline.</List.Item>
      </List>

      {merge.isError && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
          {errorMessage(merge.error)}
        </Alert>
      )}

      {narrow ? (
        <Stack gap="xs">
          <Button fullWidth leftSection={<IconGitMerge size={16} />} onClick={() => merge.mutate()} loading={merge.isPending}>
            Merge into {fullName(s)}
          </Button>
          <Button fullWidth variant="default" onClick={onCancel}>
            Cancel
          </Button>
        </Stack>
      ) : (
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button leftSection={<IconGitMerge size={16} />} onClick={() => merge.mutate()} loading={merge.isPending}>
            Merge into {fullName(s)}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
