import { ActionIcon, Alert, Box, Button, Card, Code, Group, Modal, Select, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { IconAlertCircle, IconAlertTriangle, IconKey, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { keys, useApiTokens } from '../../api/queries';
import type { ApiToken, CreatedApiToken } from '../../api/types';
import { CopyField } from '../../components/CopyField';
import { applyApiError } from '../../components/formErrors';
import { notifyError, notifySuccess } from '../../components/notify';
import { EmptyState, ErrorState, PageLoader } from '../../components/States';
import { useSession } from '../../components/session';
import { formatDate, formatRelative } from '../../lib/format';
import { required } from '../../lib/validation';

export function ApiTokensTab() {
  const me = useSession();
  const qc = useQueryClient();
  const tokens = useApiTokens();
  const [createOpened, createModal] = useDisclosure(false);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);

  const revoke = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/api-tokens/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: keys.apiTokens });
      notifySuccess('Token revoked. Integrations using it stop working now.');
    },
    onError: (err) => notifyError(err, 'Could not revoke the token'),
  });
  const confirmRevoke = (t: ApiToken) =>
    modals.openConfirmModal({
      title: `Revoke “${t.name}”?`,
      children: <Text size="sm">Anything using this token will get “unauthorized” from now on. This cannot be undone.</Text>,
      labels: { confirm: 'Revoke token', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => revoke.mutate(t.id),
    });

  return (
    <Card p={0}>
      <Group justify="space-between" p="md" wrap="wrap" gap="sm">
        <Box>
          <Text fw={650}>API tokens</Text>
          <Text size="sm" c="dimmed">
            Integrations send <Code>Authorization: Bearer &lt;token&gt;</Code> and act in {me.company.name}.
          </Text>
        </Box>
        <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
          Create token
        </Button>
      </Group>
      {tokens.isPending ? (
        <PageLoader />
      ) : tokens.isError ? (
        <ErrorState error={tokens.error} onRetry={() => tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <EmptyState
          icon={<IconKey size={28} />}
          title="No API tokens"
          action={
            <Button variant="default" leftSection={<IconPlus size={16} />} onClick={createModal.open}>
              Create a token
            </Button>
          }
        >
          Create a token to sync contacts from your website, billing system or spreadsheets.
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={0}>
          <Table className="crm-table" verticalSpacing="sm" horizontalSpacing="md">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th visibleFrom="sm">Created by</Table.Th>
                <Table.Th visibleFrom="sm">Last used</Table.Th>
                <Table.Th visibleFrom="md">Expires</Table.Th>
                <Table.Th w={50}>
                  <span className="crm-sr-only">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data.map((t) => (
                <Table.Tr key={t.id} data-testid="token-row">
                  <Table.Td maw={0} style={{ width: '100%' }}>
                    <Text size="sm" fw={550} className="crm-truncate">
                      {t.name}
                    </Text>
                    <Text size="xs" c="dimmed" className="crm-truncate">
                      <Code fz="xs">{t.prefix}…</Code> · created {formatDate(t.created_at, me.timezone)}
                    </Text>
                  </Table.Td>
                  <Table.Td visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm">{t.user_name || '—'}</Text>
                  </Table.Td>
                  <Table.Td visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm" c="dimmed">
                      {t.last_used_at ? formatRelative(t.last_used_at) : 'Never'}
                    </Text>
                  </Table.Td>
                  <Table.Td visibleFrom="md" style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm" c={t.expires_at ? undefined : 'dimmed'}>
                      {t.expires_at ? formatDate(t.expires_at, me.timezone) : 'Never'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Tooltip label="Revoke token">
                      <ActionIcon variant="subtle" color="red" onClick={() => confirmRevoke(t)} aria-label={`Revoke token ${t.name}`}>
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={createOpened} onClose={createModal.close} title="Create API token">
        {createOpened && (
          <CreateTokenForm
            onCancel={createModal.close}
            onCreated={(t) => {
              createModal.close();
              setCreated(t);
            }}
          />
        )}
      </Modal>
      <Modal opened={created != null} onClose={() => setCreated(null)} title="Copy your new token" closeOnClickOutside={false}>
        {created && (
          <Stack gap="md">
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />}>
              This is the only time the token is shown. Store it in your integration’s secret settings now.
            </Alert>
            <CopyField label={`Token “${created.name}”`} value={created.token} mono />
            <Group justify="flex-end">
              <Button onClick={() => setCreated(null)}>I have copied it</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Card>
  );
}

function CreateTokenForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (t: CreatedApiToken) => void }) {
  const qc = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ mode: 'controlled', initialValues: { name: '', expires: '90' }, validate: { name: required('Name') } });
  const create = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(api.POST('/api/api-tokens', { body: { name: v.name.trim(), expires_in_days: v.expires === 'never' ? undefined : Number(v.expires) } })),
    onSuccess: (t) => {
      qc.invalidateQueries({ queryKey: keys.apiTokens });
      onCreated(t);
    },
    onError: (err) => setFormError(applyApiError(form, err)),
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) => {
        setFormError(null);
        create.mutate(v);
      })}
    >
      <Stack gap="md">
        {formError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {formError}
          </Alert>
        )}
        <TextInput
          label="Name"
          description="What will use it, e.g. “Website signup form”"
          required
          data-autofocus
          maxLength={100}
          {...form.getInputProps('name')}
        />
        <Select
          label="Expires"
          description="A token that expires limits the harm if it leaks."
          data={[
            { value: '30', label: 'In 30 days' },
            { value: '90', label: 'In 90 days' },
            { value: '365', label: 'In a year' },
            { value: 'never', label: 'Never' },
          ]}
          allowDeselect={false}
          {...form.getInputProps('expires')}
        />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
