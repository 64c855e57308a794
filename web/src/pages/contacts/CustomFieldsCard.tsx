import { ActionIcon, Button, Card, Group, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { fieldErrors, isApiError } from '../../api/errors';
import { keys } from '../../api/queries';
import type { Contact } from '../../api/types';
import { notifyError } from '../../components/notify';
import { customFieldText, customFieldsFromRows, rowsFromCustomFields, validateCustomFields, type CustomFieldRow } from '../../lib/validation';

/** CustomFieldsCard shows a contact's custom fields and edits them as key/value rows. */
export function CustomFieldsCard({ contact }: { contact: Contact }) {
  const qc = useQueryClient();
  const fields = (contact.custom_fields ?? {}) as Record<string, unknown>;
  const entries = Object.entries(fields);
  const [editing, setEditing] = useState(false);
  const [rows, setRows] = useState<CustomFieldRow[]>([]);
  const [errors, setErrors] = useState<Record<number, string>>({});
  const [serverError, setServerError] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: (custom_fields: Record<string, unknown>) =>
      call(api.PATCH('/api/contacts/{id}', { params: { path: { id: contact.id } }, body: { custom_fields } })),
    onSuccess: (saved) => {
      qc.setQueryData(keys.contact(saved.id), saved);
      qc.invalidateQueries({ queryKey: keys.contacts, predicate: (q) => q.queryKey[1] !== 'detail' });
      setEditing(false);
    },
    onError: (err) => {
      if (isApiError(err, 422, 400)) {
        setServerError(fieldErrors(err.problem).general.join(' ') || Object.values(fieldErrors(err.problem).fields).join(' '));
      } else notifyError(err, 'Could not save custom fields');
    },
  });

  const startEditing = () => {
    const r = rowsFromCustomFields(fields);
    setRows(r.length > 0 ? r : [{ key: '', value: '' }]);
    setErrors({});
    setServerError(null);
    setEditing(true);
  };
  const update = (i: number, patch: Partial<CustomFieldRow>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = () => {
    const errs = validateCustomFields(rows);
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    setServerError(null);
    save.mutate(customFieldsFromRows(rows, fields));
  };

  return (
    <Card p="lg">
      <Group justify="space-between" mb="sm">
        <Title order={2}>Custom fields</Title>
        {!editing && (
          <Button size="xs" variant="subtle" onClick={startEditing}>
            {entries.length ? 'Edit fields' : 'Add fields'}
          </Button>
        )}
      </Group>
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <Stack gap="xs">
            {rows.map((row, i) => (
              <Group key={i} gap="xs" align="flex-start" wrap="nowrap">
                <TextInput
                  aria-label={`Field ${i + 1} name`}
                  placeholder="Field"
                  value={row.key}
                  onChange={(e) => update(i, { key: e.currentTarget.value })}
                  error={errors[i]}
                  style={{ flex: '1 1 40%' }}
                  size="sm"
                  autoFocus={i === rows.length - 1 && row.key === ''}
                />
                <TextInput
                  aria-label={`Field ${i + 1} value`}
                  placeholder="Value"
                  value={row.value}
                  onChange={(e) => update(i, { value: e.currentTarget.value })}
                  style={{ flex: '1 1 60%' }}
                  size="sm"
                />
                <Tooltip label="Remove field">
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    mt={4}
                    onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
                    aria-label={`Remove field ${row.key || i + 1}`}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Tooltip>
              </Group>
            ))}
            {serverError && (
              <Text size="sm" c="red" role="alert">
                {serverError}
              </Text>
            )}
            <Group justify="space-between" mt="xs" gap="xs">
              <Button
                size="xs"
                variant="subtle"
                leftSection={<IconPlus size={14} />}
                onClick={() => setRows((rs) => [...rs, { key: '', value: '' }])}
              >
                Add field
              </Button>
              <Group gap="xs">
                <Button size="xs" variant="default" onClick={() => setEditing(false)}>
                  Cancel
                </Button>
                <Button size="xs" type="submit" loading={save.isPending}>
                  Save fields
                </Button>
              </Group>
            </Group>
          </Stack>
        </form>
      ) : entries.length > 0 ? (
        <Table verticalSpacing={6} horizontalSpacing={0} layout="fixed">
          <Table.Tbody>
            {entries.map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Td w="40%" pr="sm">
                  <Text size="sm" c="dimmed" className="crm-truncate" title={k}>
                    {k}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ wordBreak: 'break-word' }}>
                    {customFieldText(v) || '—'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm" c="dimmed">
          Keep anything your team tracks — plan, region, renewal date — as custom fields.
        </Text>
      )}
    </Card>
  );
}
