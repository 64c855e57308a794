import { Alert, Anchor, Button, Group, Modal, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import { dealKeys, type Deal, type Pipeline } from '../../api/deals';
import { applyApiError } from '../../components/formErrors';
import { notifySuccess } from '../../components/notify';
import { useSession } from '../../components/session';
import { MoneyInput, moneyError } from '../../components/MoneyInput';
import { COMMON_CURRENCIES, formatMoney, parseMoneyInput } from '../../lib/money';
import { currencyOptions, useOwners } from './common';
import { ContactSelect } from './ContactSelect';

export interface DealFormValues {
  title: string;
  value: string;
  currency: string;
  contact_id: string | null;
  owner_id: string | null;
  pipeline_id: string | null;
  stage_id: string | null;
  expected_close_date: string;
}

const CURRENCY_KEY = 'crm:deal-currency';

/** lastCurrency is the currency of the last deal made here, or else the company's base currency. */
function lastCurrency(base: string): string {
  try {
    return localStorage.getItem(CURRENCY_KEY) || base;
  } catch {
    return base;
  }
}

interface Props {
  opened: boolean;
  onClose: () => void;
  pipelines: Pipeline[];
  pipelineId?: string;
  stageId?: string;
  /** Prefill the contact (from a contact's page). */
  contact?: { id: string; name: string };
  onCreated?: (d: Deal) => void;
}

/** DealFormModal creates a deal, showing the server's validation next to each field. */
export function DealFormModal({ opened, onClose, ...rest }: Props) {
  const phone = useMediaQuery('(max-width: 36em)');
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title="New deal"
      size="lg"
      fullScreen={phone}
      transitionProps={phone ? { transition: 'slide-up' } : undefined}
    >
      {opened && (
        <DealForm
          {...rest}
          onCancel={onClose}
          onCreated={(d) => {
            rest.onCreated?.(d);
            onClose();
          }}
        />
      )}
    </Modal>
  );
}

function DealForm({
  pipelines,
  pipelineId,
  stageId,
  contact,
  onCancel,
  onCreated,
}: Omit<Props, 'opened' | 'onClose'> & { onCancel: () => void; onCreated: (d: Deal) => void }) {
  const me = useSession();
  const qc = useQueryClient();
  const owners = useOwners();
  const [formError, setFormError] = useState<string | null>(null);
  const firstPipeline = pipelines.find((p) => p.id === pipelineId) ?? pipelines[0];
  const firstStage = (firstPipeline?.stages ?? []).find((s) => s.id === stageId) ?? (firstPipeline?.stages ?? []).find((s) => s.kind === 'open');
  const form = useForm<DealFormValues>({
    mode: 'controlled',
    initialValues: {
      title: '',
      value: '',
      currency: lastCurrency(me.company.currency),
      contact_id: contact?.id ?? null,
      owner_id: me.user.id,
      pipeline_id: firstPipeline?.id ?? null,
      stage_id: firstStage?.id ?? null,
      expected_close_date: '',
    },
    validate: {
      title: (v) => (v.trim() === '' ? 'Give the deal a title' : v.trim().length > 200 ? 'Use at most 200 characters' : null),
      value: (v) => moneyError(v),
      currency: (v) => (/^[A-Za-z]{3}$/.test(v) ? null : 'Choose a currency'),
      stage_id: (v) => (v ? null : 'Choose a stage'),
    },
    validateInputOnBlur: true,
  });
  const pipeline = pipelines.find((p) => p.id === form.values.pipeline_id);
  const stageOptions = (pipeline?.stages ?? []).map((s) => ({ value: s.id, label: s.kind === 'open' ? `${s.name} (${s.probability}%)` : s.name }));

  const create = useMutation({
    mutationFn: (v: DealFormValues) =>
      call(
        api.POST('/api/deals', {
          body: {
            title: v.title.trim(),
            value: parseMoneyInput(v.value) || '0',
            currency: v.currency.toUpperCase(),
            ...(v.contact_id ? { contact_id: v.contact_id } : {}),
            ...(v.owner_id ? { owner_id: v.owner_id } : {}),
            ...(v.pipeline_id ? { pipeline_id: v.pipeline_id } : {}),
            ...(v.stage_id ? { stage_id: v.stage_id } : {}),
            ...(v.expected_close_date ? { expected_close_date: v.expected_close_date } : {}),
          },
        }),
      ),
    onSuccess: (d) => {
      try {
        localStorage.setItem(CURRENCY_KEY, d.currency);
      } catch {
        // private mode: the default stays USD
      }
      qc.setQueryData(dealKeys.deal(d.id), d);
      qc.invalidateQueries({ queryKey: dealKeys.deals });
      qc.invalidateQueries({ queryKey: dealKeys.pipelines });
      qc.invalidateQueries({ queryKey: dealKeys.dashboards });
      notifySuccess(
        <>
          {d.title} ({formatMoney(d.value, d.currency)}) was added.{' '}
          <Anchor component={Link} to={`/deals/${d.id}`} size="sm">
            Open
          </Anchor>
        </>,
      );
      onCreated(d);
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
        <TextInput label="Title" placeholder="Acme — 50 seats" withAsterisk autoComplete="off" data-autofocus {...form.getInputProps('title')} />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md" verticalSpacing="md">
          <MoneyInput label="Value" currency={form.values.currency} {...form.getInputProps('value')} value={form.values.value} />
          <Select
            label="Currency"
            data={currencyOptions(COMMON_CURRENCIES)}
            searchable
            allowDeselect={false}
            limit={50}
            {...form.getInputProps('currency')}
            onChange={(v) => form.setFieldValue('currency', v ?? 'USD')}
          />
        </SimpleGrid>
        <ContactSelect
          label="Contact"
          placeholder="Search contacts…"
          value={form.values.contact_id}
          valueLabel={contact?.name}
          onChange={(id) => form.setFieldValue('contact_id', id)}
          error={form.errors.contact_id}
        />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md" verticalSpacing="md">
          {pipelines.length > 1 && (
            <Select
              label="Pipeline"
              data={pipelines.map((p) => ({ value: p.id, label: p.name }))}
              allowDeselect={false}
              {...form.getInputProps('pipeline_id')}
              onChange={(v) => {
                const p = pipelines.find((x) => x.id === v);
                form.setFieldValue('pipeline_id', v);
                form.setFieldValue('stage_id', (p?.stages ?? []).find((s) => s.kind === 'open')?.id ?? p?.stages?.[0]?.id ?? null);
              }}
            />
          )}
          <Select label="Stage" data={stageOptions} allowDeselect={false} {...form.getInputProps('stage_id')} />
          <Select
            label="Owner"
            data={owners.options}
            searchable
            allowDeselect={false}
            nothingFoundMessage="No such teammate"
            {...form.getInputProps('owner_id')}
          />
          <TextInput label="Expected close date" type="date" {...form.getInputProps('expected_close_date')} />
        </SimpleGrid>
        <Group justify="flex-end" gap="sm" mt="xs">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create deal
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
