import { ActionIcon, Anchor, Avatar, Badge, Box, Button, Card, CopyButton, Grid, Group, Stack, TagsInput, Text, Title, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { IconArrowLeft, IconCheck, IconCopy, IconMail, IconPencil, IconTrash, IconUserQuestion } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { isApiError } from '../../api/errors';
import { keys, useContact, useTags } from '../../api/queries';
import { refreshAfterTrash } from '../../api/trash';
import type { Contact } from '../../api/types';
import { notifyError } from '../../components/notify';
import { useUndoDelete } from '../../components/undoDelete';
import { CallButton, TextButton } from '../../components/phone';
import { EmptyState, ErrorState, PageLoader } from '../../components/States';
import { Timeline } from '../../components/Timeline';
import { useSession } from '../../components/session';
import { formatDateTime, formatPhone, formatRelative, fullName, initials } from '../../lib/format';
import { ContactFormModal, useOwnerOptions } from './ContactFormModal';
import { CustomFieldsCard } from './CustomFieldsCard';

export function ContactDetailPage() {
  const { id = '' } = useParams();
  const contact = useContact(id);
  if (contact.isPending) return <PageLoader label="Loading contact…" />;
  if (contact.isError) {
    if (isApiError(contact.error, 404, 400, 422)) return <ContactNotFound />;
    return <ErrorState error={contact.error} onRetry={() => contact.refetch()} title="Couldn't load this contact" />;
  }
  return <ContactView contact={contact.data} />;
}

/** ContactNotFound answers an id that does not exist — or belongs to another company. */
export function ContactNotFound() {
  return (
    <Card p={0} data-testid="contact-not-found">
      <EmptyState
        icon={<IconUserQuestion size={28} />}
        title="Contact not found"
        action={
          <Button component={Link} to="/contacts" leftSection={<IconArrowLeft size={16} />} variant="default">
            Back to contacts
          </Button>
        }
      >
        This contact doesn’t exist or was deleted. Check the link, or find the person in your contact list.
      </EmptyState>
    </Card>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" style={{ letterSpacing: '0.04em' }}>
        {label}
      </Text>
      <Box mt={2} style={{ wordBreak: 'break-word' }}>
        {children ?? (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Box>
    </Box>
  );
}

function ContactView({ contact }: { contact: Contact }) {
  const me = useSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [editOpened, edit] = useDisclosure(false);
  const owners = useOwnerOptions();
  const name = fullName(contact);
  const owner = contact.owner_id
    ? contact.owner_id === me.user.id
      ? 'You'
      : (owners.users.find((u) => u.id === contact.owner_id)?.name ?? 'A former teammate')
    : null;

  const undoDelete = useUndoDelete();

  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/contacts/{id}', { params: { path: { id: contact.id } } })),
    onSuccess: () => {
      qc.removeQueries({ queryKey: keys.contact(contact.id) });
      refreshAfterTrash(qc);
      navigate('/contacts', { replace: true });
      undoDelete('contact', [contact.id], `${name} was deleted.`);
    },
    onError: (err) => notifyError(err, 'Could not delete the contact'),
  });

  const confirmDelete = () =>
    modals.openConfirmModal({
      title: `Delete ${name}?`,
      children: (
        <Text size="sm">
          The contact leaves every list in {me.company.name}, with its activities, texts and calls. It stays in the trash for 30 days, where admins
          can restore it.
        </Text>
      ),
      labels: { confirm: 'Delete contact', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(),
    });

  const sub = [contact.title, contact.company_name].filter(Boolean).join(' at ');

  return (
    <>
      <Anchor component={Link} to="/contacts" size="sm" c="dimmed" mb="sm" display="inline-block">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Contacts
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start" mb="lg" gap="md" wrap="wrap">
        <Group gap="md" wrap="nowrap" miw={0} style={{ flex: '1 1 280px' }}>
          <Avatar size={56} radius="xl" color="brand">
            {initials(name)}
          </Avatar>
          <Box miw={0}>
            <Title order={1} style={{ wordBreak: 'break-word' }}>
              {name}
            </Title>
            {sub && (
              <Text c="dimmed" size="sm">
                {sub}
              </Text>
            )}
          </Box>
        </Group>
        <Group gap="xs">
          <Button variant="default" leftSection={<IconPencil size={16} />} onClick={edit.open}>
            Edit
          </Button>
          <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={confirmDelete} loading={remove.isPending}>
            Delete
          </Button>
        </Group>
      </Group>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card p="lg">
            <Title order={2} mb="md">
              Details
            </Title>
            <Grid gap="lg">
              <Grid.Col span={{ base: 12, xs: 6 }}>
                <Field label="Email">
                  {contact.email ? (
                    <Group gap={4} wrap="nowrap">
                      <Anchor href={`mailto:${contact.email}`} size="sm" className="crm-truncate">
                        {contact.email}
                      </Anchor>
                      <CopyButton value={contact.email}>
                        {({ copied, copy }) => (
                          <Tooltip label={copied ? 'Copied' : 'Copy email'}>
                            <ActionIcon size="sm" variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label="Copy email">
                              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                            </ActionIcon>
                          </Tooltip>
                        )}
                      </CopyButton>
                    </Group>
                  ) : null}
                </Field>
              </Grid.Col>
              <Grid.Col span={{ base: 12, xs: 6 }}>
                <Field label="Phone">
                  {contact.phone ? (
                    <Anchor href={`tel:${contact.phone}`} size="sm">
                      {formatPhone(contact.phone)}
                    </Anchor>
                  ) : null}
                </Field>
              </Grid.Col>
              <Grid.Col span={{ base: 12, xs: 6 }}>
                <Field label="Company">{contact.company_name ? <Text size="sm">{contact.company_name}</Text> : null}</Field>
              </Grid.Col>
              <Grid.Col span={{ base: 12, xs: 6 }}>
                <Field label="Job title">{contact.title ? <Text size="sm">{contact.title}</Text> : null}</Field>
              </Grid.Col>
              <Grid.Col span={{ base: 12, xs: 6 }}>
                <Field label="Owner">
                  {owner ? (
                    <Text size="sm">{owner}</Text>
                  ) : (
                    <Text size="sm" c="dimmed">
                      Unassigned
                    </Text>
                  )}
                </Field>
              </Grid.Col>
              <Grid.Col span={{ base: 12, xs: 6 }}>
                <Field label="Added">
                  <Text size="sm" title={formatDateTime(contact.created_at, me.timezone)}>
                    {formatDateTime(contact.created_at, me.timezone)}
                  </Text>
                  <Text size="xs" c="dimmed">
                    Updated {formatRelative(contact.updated_at)}
                  </Text>
                </Field>
              </Grid.Col>
            </Grid>
            <Group gap="xs" mt="lg">
              {contact.email && (
                <Button component="a" href={`mailto:${contact.email}`} variant="light" size="xs" leftSection={<IconMail size={14} />}>
                  Email
                </Button>
              )}
              {contact.phone && (
                <>
                  <CallButton contactId={contact.id} name={name} phone={contact.phone} />
                  <TextButton contactId={contact.id} name={name} phone={contact.phone} />
                </>
              )}
            </Group>
          </Card>
          <Box mt="md">
            <Timeline kind="contact" id={contact.id} />
          </Box>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <TagsCard contact={contact} />
            <CustomFieldsCard contact={contact} />
          </Stack>
        </Grid.Col>
      </Grid>
      <ContactFormModal opened={editOpened} onClose={edit.close} contact={contact} />
    </>
  );
}

function TagsCard({ contact }: { contact: Contact }) {
  const qc = useQueryClient();
  const tags = useTags();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState<string[]>(contact.tags ?? []);
  const save = useMutation({
    mutationFn: (next: string[]) => call(api.PATCH('/api/contacts/{id}', { params: { path: { id: contact.id } }, body: { tags: next } })),
    onSuccess: (saved) => {
      qc.setQueryData(keys.contact(saved.id), saved);
      qc.invalidateQueries({ queryKey: keys.contacts, predicate: (q) => q.queryKey[1] !== 'detail' });
      setEditing(false);
    },
    onError: (err) => notifyError(err, 'Could not save tags'),
  });
  const current = contact.tags ?? [];
  return (
    <Card p="lg">
      <Group justify="space-between" mb="sm">
        <Title order={2}>Tags</Title>
        {!editing && (
          <Button
            size="xs"
            variant="subtle"
            onClick={() => {
              setValue(current);
              setEditing(true);
            }}
          >
            Edit tags
          </Button>
        )}
      </Group>
      {editing ? (
        <Stack gap="sm">
          <TagsInput
            aria-label="Tags"
            placeholder="Type a tag and press Enter"
            data={(tags.data ?? []).map((t) => t.tag)}
            value={value}
            onChange={setValue}
            autoFocus
            clearable
          />
          <Group justify="flex-end" gap="xs">
            <Button size="xs" variant="default" onClick={() => setEditing(false)}>
              Cancel
            </Button>
            <Button size="xs" onClick={() => save.mutate(value)} loading={save.isPending}>
              Save tags
            </Button>
          </Group>
        </Stack>
      ) : current.length > 0 ? (
        <Group gap={6}>
          {current.map((t) => (
            <Badge key={t} variant="light" component={Link} to={`/contacts?tag=${encodeURIComponent(t)}`} style={{ cursor: 'pointer' }}>
              {t}
            </Badge>
          ))}
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          No tags yet. Tags group contacts for filtering and bulk actions.
        </Text>
      )}
    </Card>
  );
}
