import { Alert, Button, Group, Modal, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconFlask } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { refreshAfterCall } from '../../api/phone';
import { applyApiError } from '../../components/formErrors';
import { notifySuccess } from '../../components/notify';
import { formatPhone } from '../../lib/format';
import { numberOption, type Provider } from '../sms/useProvider';

/** SimulateCallModal pretends someone called a company number (simulator mode only). */
export function SimulateCallModal({ opened, onClose, provider }: { opened: boolean; onClose: () => void; provider: Provider }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Simulate inbound call" size="md">
      {opened && <SimulateForm provider={provider} onDone={onClose} />}
    </Modal>
  );
}

function SimulateForm({ provider, onDone }: { provider: Provider; onDone: () => void }) {
  const qc = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { from: '', to_number_id: provider.defaultNumber?.id ?? '', answered: true },
    validate: {
      from: (v) => (!v.trim() ? 'Enter the caller’s number' : null),
      to_number_id: (v) => (!v ? 'Choose a company number' : null),
    },
  });
  const sim = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(api.POST('/api/calls/simulate-inbound', { body: { from: v.from.trim(), to_number_id: v.to_number_id, answered: v.answered } })),
    onSuccess: (c) => {
      refreshAfterCall(qc);
      notifySuccess(`Simulated a call from ${formatPhone(c.from)}.`);
      onDone();
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
          Pretend someone called one of your numbers. Nothing really rings; the call appears in the log as it would.
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
        <Switch label="Answered" description="Off: nobody picks up (a missed call)." {...form.getInputProps('answered', { type: 'checkbox' })} />
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
