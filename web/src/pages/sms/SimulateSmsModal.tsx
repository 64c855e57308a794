import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconFlask } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, call } from '../../api/client';
import { refreshAfterSms } from '../../api/phone';
import { applyApiError } from '../../components/formErrors';
import { notifySuccess } from '../../components/notify';
import { formatPhone } from '../../lib/format';
import { numberOption, type Provider } from './useProvider';

interface Props {
  opened: boolean;
  onClose: () => void;
  provider: Provider;
  /** Pre-filled sender: the open conversation's number. */
  defaultFrom?: string;
}

/** SimulateSmsModal pretends a text arrived from outside (simulator mode only): try replies, STOP and HELP without a phone. */
export function SimulateSmsModal({ opened, onClose, provider, defaultFrom }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title="Simulate inbound SMS" size="md">
      {opened && <SimulateForm provider={provider} defaultFrom={defaultFrom ?? ''} onDone={onClose} />}
    </Modal>
  );
}

function SimulateForm({ provider, defaultFrom, onDone }: { provider: Provider; defaultFrom: string; onDone: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { from: defaultFrom, to_number_id: provider.defaultNumber?.id ?? '', body: '' },
    validate: {
      from: (v) => (!v.trim() ? 'Enter the sender’s number' : null),
      to_number_id: (v) => (!v ? 'Choose a company number' : null),
      body: (v) => (!v.trim() ? 'Write the message' : null),
    },
  });
  const sim = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(api.POST('/api/sms/simulate-inbound', { body: { from: v.from.trim(), to_number_id: v.to_number_id, body: v.body } })),
    onSuccess: (m) => {
      refreshAfterSms(qc);
      notifySuccess(`Simulated a text from ${formatPhone(m.from)}.`);
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
        sim.mutate(v);
      })}
    >
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          Pretend someone texted one of your numbers. Nothing is really received; try a reply, or STOP, START and HELP.
        </Text>
        {formError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {formError}
          </Alert>
        )}
        <TextInput label="From" type="tel" placeholder="+1 415 555 0123" required {...form.getInputProps('from')} />
        <Select
          label="To company number"
          required
          data={provider.numbers.map((n) => numberOption(n))}
          allowDeselect={false}
          {...form.getInputProps('to_number_id')}
        />
        <Textarea label="Message" required autosize minRows={3} maxRows={8} {...form.getInputProps('body')} />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" color="grape" leftSection={<IconFlask size={16} />} loading={sim.isPending}>
            Simulate
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
