import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { IconAlertCircle, IconSend } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, call } from '../../api/client';
import { newIdempotencyKey, refreshAfterSms } from '../../api/phone';
import { ContactSelect } from '../../components/EntitySelects';
import { applyApiError } from '../../components/formErrors';
import { formatPhone } from '../../lib/format';
import { countSms } from '../../lib/sms';
import { SmsCounter } from './SmsCounter';
import { numberOption, type Provider } from './useProvider';

interface Props {
  opened: boolean;
  onClose: () => void;
  /** Start with this contact as the recipient (the "Text" button on a contact without a conversation). */
  contactId: string | null;
  provider: Provider;
}

/** NewMessageModal starts a conversation with a contact or any phone number. */
export function NewMessageModal({ opened, onClose, contactId, provider }: Props) {
  const phone = useMediaQuery('(max-width: 36em)');
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title="New message"
      size="lg"
      fullScreen={phone}
      transitionProps={phone ? { transition: 'slide-up' } : undefined}
    >
      {opened && <NewMessageForm key={contactId ?? ''} contactId={contactId} provider={provider} onDone={onClose} />}
    </Modal>
  );
}

function NewMessageForm({ contactId, provider, onDone }: { contactId: string | null; provider: Provider; onDone: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const counterId = useId();
  const [mode, setMode] = useState<'contact' | 'number'>('contact');
  const [formError, setFormError] = useState<string | null>(null);
  // One key per compose attempt: resending the unchanged form after a network error cannot send twice.
  const [key, setKey] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { contact_id: contactId ?? '', to: '', from_number_id: provider.defaultNumber?.id ?? '', body: '' },
    validate: {
      contact_id: (v) => (mode === 'contact' && !v ? 'Choose a contact' : null),
      to: (v) => (mode === 'number' && !v.trim() ? 'Enter a phone number' : null),
      body: (v) => (!v.trim() ? 'Write a message' : countSms(v).tooLong ? 'Too long: at most 1,600 characters' : null),
    },
  });
  const fromOptions = useMemo(() => provider.numbers.map((n) => numberOption(n)), [provider.numbers]);
  const fromValue = form.values.from_number_id || provider.defaultNumber?.id || '';

  const send = useMutation({
    mutationFn: (v: typeof form.values & { key: string }) =>
      call(
        api.POST('/api/sms/messages', {
          body: {
            ...(mode === 'contact' ? { contact_id: v.contact_id } : { to: v.to.trim() }),
            body: v.body,
            ...(fromValue ? { from_number_id: fromValue } : {}),
          },
          headers: { 'Idempotency-Key': v.key },
        }),
      ),
    onSuccess: (m) => {
      refreshAfterSms(qc);
      onDone();
      navigate(`/sms/${m.thread_id}`);
    },
    onError: (err) => setFormError(applyApiError(form, err)),
  });

  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) => {
        setFormError(null);
        const k = key ?? newIdempotencyKey();
        setKey(k);
        send.mutate({ ...v, key: k });
      })}
      onChange={() => setKey(null)}
    >
      <Stack gap="md">
        {formError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {formError}
          </Alert>
        )}
        <SegmentedControl
          aria-label="Send to"
          value={mode}
          onChange={(v) => {
            setMode(v as 'contact' | 'number');
            setKey(null);
            form.clearErrors();
          }}
          data={[
            { value: 'contact', label: 'A contact' },
            { value: 'number', label: 'A phone number' },
          ]}
          style={{ alignSelf: 'flex-start' }}
        />
        {mode === 'contact' ? (
          <ContactSelect
            label="To"
            placeholder="Search contacts…"
            value={form.values.contact_id || null}
            onChange={(id) => {
              form.setFieldValue('contact_id', id ?? '');
              setKey(null);
            }}
            error={form.errors.contact_id || form.errors.to}
            description="Texts go to the contact’s phone number."
          />
        ) : (
          <TextInput label="To" type="tel" placeholder="+1 415 555 0123" autoComplete="off" {...form.getInputProps('to')} />
        )}
        {provider.numbers.length > 1 && (
          <Select
            label="From"
            data={fromOptions}
            allowDeselect={false}
            {...form.getInputProps('from_number_id')}
            value={fromValue || null}
            onChange={(v) => {
              form.setFieldValue('from_number_id', v ?? '');
              setKey(null);
            }}
          />
        )}
        {provider.numbers.length === 1 && (
          <Text size="sm" c="dimmed">
            From {formatPhone(provider.numbers[0].number)}
            {provider.numbers[0].label ? ` (${provider.numbers[0].label})` : ''}
          </Text>
        )}
        {form.errors.from_number_id && provider.numbers.length <= 1 && (
          <Text size="sm" c="red">
            {form.errors.from_number_id}
          </Text>
        )}
        <div>
          <Textarea
            label="Message"
            aria-describedby={counterId}
            autosize
            minRows={4}
            maxRows={10}
            data-autofocus
            {...form.getInputProps('body')}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
          <Group mt={6}>
            <SmsCounter body={form.values.body} id={counterId} />
          </Group>
        </div>
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button
            type="submit"
            leftSection={<IconSend size={16} />}
            loading={send.isPending}
            disabled={!form.values.body.trim() || countSms(form.values.body).tooLong}
          >
            Send
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
