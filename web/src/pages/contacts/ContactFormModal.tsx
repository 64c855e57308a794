import { Alert, Button, Group, Modal, Select, SimpleGrid, Stack, TagsInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { isApiError } from '../../api/errors';
import { keys, useTags, useUsers } from '../../api/queries';
import type { Contact } from '../../api/types';
import { applyApiError } from '../../components/formErrors';
import { notifySuccess } from '../../components/notify';
import { useSession } from '../../components/session';
import { fullName } from '../../lib/format';
import { normalizePhone, validateContact, type ContactFormValues } from '../../lib/validation';

function initialValues(contact: Contact | undefined, ownerId: string): ContactFormValues {
  return {
    first_name: contact?.first_name ?? '',
    last_name: contact?.last_name ?? '',
    email: contact?.email ?? '',
    phone: contact?.phone ?? '',
    company_name: contact?.company_name ?? '',
    title: contact?.title ?? '',
    tags: contact?.tags ?? [],
    owner_id: contact ? contact.owner_id || null : ownerId,
  };
}

/**
 * toBody turns form values into the API's contact fields. An empty string
 * clears email, phone and owner; the server stores phones as E.164.
 */
function toBody(v: ContactFormValues) {
  return {
    first_name: v.first_name.trim(),
    last_name: v.last_name.trim(),
    email: v.email.trim().toLowerCase(),
    phone: normalizePhone(v.phone) ?? v.phone.trim(),
    company_name: v.company_name.trim(),
    title: v.title.trim(),
    tags: v.tags.map((t) => t.trim()).filter(Boolean),
    owner_id: v.owner_id ?? '',
  };
}

/** OwnerSelect picks the contact owner among the company's users. */
export function useOwnerOptions() {
  const me = useSession();
  const users = useUsers();
  const list = users.data ?? [];
  const options = list.map((u) => ({ value: u.id, label: u.id === me.user.id ? `${u.name || u.email} (you)` : u.name || u.email }));
  if (!list.some((u) => u.id === me.user.id)) options.unshift({ value: me.user.id, label: `${me.user.name || me.user.email} (you)` });
  return { options, users: list, isError: users.isError };
}

interface Props {
  opened: boolean;
  onClose: () => void;
  /** The contact to edit; absent to create one. */
  contact?: Contact;
  onSaved?: (c: Contact) => void;
}

/** ContactFormModal creates or edits a contact, showing server validation per field. */
export function ContactFormModal({ opened, onClose, contact, onSaved }: Props) {
  const phone = useMediaQuery('(max-width: 36em)');
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={contact ? `Edit ${fullName(contact)}` : 'New contact'}
      size="lg"
      fullScreen={phone}
      transitionProps={phone ? { transition: 'slide-up' } : undefined}
    >
      {opened && (
        <ContactForm
          contact={contact}
          onCancel={onClose}
          onSaved={(c) => {
            onSaved?.(c);
            onClose();
          }}
        />
      )}
    </Modal>
  );
}

function ContactForm({ contact, onCancel, onSaved }: { contact?: Contact; onCancel: () => void; onSaved: (c: Contact) => void }) {
  const me = useSession();
  const qc = useQueryClient();
  const tags = useTags();
  const owners = useOwnerOptions();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<ContactFormValues>({
    mode: 'controlled',
    initialValues: initialValues(contact, me.user.id),
    validate: (v) => validateContact(v),
    validateInputOnBlur: true,
  });

  const save = useMutation({
    mutationFn: (v: ContactFormValues) =>
      contact
        ? call(api.PATCH('/api/contacts/{id}', { params: { path: { id: contact.id } }, body: toBody(v) }))
        : call(api.POST('/api/contacts', { body: { ...toBody(v), custom_fields: {} } })),
    onSuccess: (saved) => {
      qc.setQueryData(keys.contact(saved.id), saved);
      qc.invalidateQueries({ queryKey: keys.contacts });
      notifySuccess(contact ? 'Contact saved.' : `${fullName(saved)} was added to your contacts.`);
      onSaved(saved);
    },
    onError: (err) => {
      if (isApiError(err, 409) && !err.problem.errors?.length) {
        form.setFieldError('email', err.problem.detail || 'Another contact already has this email.');
        setFormError(null);
        return;
      }
      setFormError(applyApiError(form, err));
    },
  });

  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) => {
        setFormError(null);
        save.mutate(v);
      })}
    >
      <Stack gap="md">
        {formError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {formError}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md" verticalSpacing="md">
          <TextInput label="First name" autoComplete="off" data-autofocus {...form.getInputProps('first_name')} />
          <TextInput label="Last name" autoComplete="off" {...form.getInputProps('last_name')} />
          <TextInput label="Email" type="email" autoComplete="off" {...form.getInputProps('email')} />
          <TextInput label="Phone" type="tel" placeholder="+1 415 555 0123" autoComplete="off" {...form.getInputProps('phone')} />
          <TextInput label="Company" autoComplete="off" {...form.getInputProps('company_name')} />
          <TextInput label="Job title" autoComplete="off" {...form.getInputProps('title')} />
        </SimpleGrid>
        <TagsInput
          label="Tags"
          placeholder="Type a tag and press Enter"
          data={(tags.data ?? []).map((t) => t.tag)}
          clearable
          {...form.getInputProps('tags')}
        />
        <Select
          label="Owner"
          placeholder="Unassigned"
          data={owners.options}
          clearable
          searchable
          nothingFoundMessage="No such teammate"
          {...form.getInputProps('owner_id')}
        />
        <Group justify="flex-end" gap="sm" mt="xs">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {contact ? 'Save changes' : 'Create contact'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
