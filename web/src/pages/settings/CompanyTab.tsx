import { Alert, Anchor, Button, Card, Group, Progress, Skeleton, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconLock } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { isAdmin, keys, useCompany, useStorageUsage } from '../../api/queries';
import type { Company, Me, StorageUsage } from '../../api/types';
import { applyApiError } from '../../components/formErrors';
import { notifyError, notifySuccess } from '../../components/notify';
import { CurrencySelect, TimeZoneSelect } from '../../components/ZonePickers';
import { Link } from 'react-router';
import { ErrorState, PageLoader } from '../../components/States';
import { useSession } from '../../components/session';
import { formatDate, plural, roleLabel } from '../../lib/format';
import { formatBytes } from '../../lib/importMapping';

import { required } from '../../lib/validation';

export function CompanyTab() {
  const company = useCompany();
  if (company.isPending) return <PageLoader />;
  if (company.isError) return <ErrorState error={company.error} onRetry={() => company.refetch()} />;
  return (
    <Stack gap="lg">
      <CompanyForm company={company.data} />
      <StorageCard />
    </Stack>
  );
}

/** StorageCard shows what the company's uploaded files take, against its quota. */
function StorageCard() {
  const usage = useStorageUsage();
  return (
    <Card p="lg" maw={640} data-testid="storage-usage">
      <Title order={2} mb={4}>
        Storage
      </Title>
      {usage.isPending ? (
        <Skeleton height={40} />
      ) : usage.isError ? (
        <ErrorState error={usage.error} onRetry={() => usage.refetch()} title="Couldn't load the storage usage" />
      ) : (
        <StorageBar usage={usage.data} />
      )}
    </Card>
  );
}

function StorageBar({ usage }: { usage: StorageUsage }) {
  const limited = usage.quota_bytes > 0;
  const percent = limited ? Math.min(100, (usage.used_bytes / usage.quota_bytes) * 100) : 0;
  const imports = (usage.kinds ?? []).find((k) => k.kind === 'import');
  return (
    <Stack gap={6}>
      <Text size="sm" c="dimmed">
        Uploaded files count against your company&rsquo;s storage. Imports that are not started within a day are deleted with their files.
      </Text>
      <Group justify="space-between" mt="xs">
        <Text size="sm" fw={600} data-testid="storage-used">
          {formatBytes(usage.used_bytes)} {limited ? `of ${formatBytes(usage.quota_bytes)} used` : 'used'}
        </Text>
        {limited && (
          <Text size="sm" c={percent >= 90 ? 'red' : 'dimmed'}>
            {Math.round(percent)}%
          </Text>
        )}
      </Group>
      {limited && (
        <Progress value={percent} color={percent >= 90 ? 'red' : percent >= 75 ? 'yellow' : 'indigo'} aria-label="Storage used" size="lg" />
      )}
      <Text size="xs" c="dimmed">
        {imports ? `${plural(imports.files, 'import file')}, ${formatBytes(imports.bytes)}` : 'No files yet.'}
      </Text>
    </Stack>
  );
}

function CompanyForm({ company }: { company: Company }) {
  const me = useSession();
  const qc = useQueryClient();
  const canEdit = isAdmin(me.role);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: company.name, timezone: company.timezone, currency: company.currency },
    validate: { name: required('Company name'), timezone: required('Time zone'), currency: required('Currency') },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(api.PATCH('/api/company', { body: { name: v.name.trim(), timezone: v.timezone, currency: v.currency } })),
    onSuccess: (saved) => {
      qc.setQueryData(keys.company, saved);
      qc.setQueryData<Me | null>(keys.me, (prev) =>
        prev
          ? {
              ...prev,
              company: { ...prev.company, name: saved.name, timezone: saved.timezone, currency: saved.currency },
              timezone: prev.user.timezone ?? saved.timezone,
              companies: (prev.companies ?? []).map((c) => (c.id === saved.id ? { ...c, name: saved.name } : c)),
            }
          : prev,
      );
      form.resetDirty({ name: saved.name, timezone: saved.timezone, currency: saved.currency });
      notifySuccess('Company settings saved.');
    },
    onError: (err) => setFormError(applyApiError(form, err)),
  });

  return (
    <Card p="lg" maw={640}>
      <Title order={2} mb={4}>
        Company profile
      </Title>
      <Text size="sm" c="dimmed" mb="lg">
        Created {formatDate(company.created_at, company.timezone)}. Dates across the app use the company time zone.
      </Text>
      {!canEdit && (
        <Alert variant="light" color="gray" icon={<IconLock size={18} />} mb="md">
          You are a {roleLabel(me.role).toLowerCase()} of {company.name}. Only admins and owners can change these settings.
        </Alert>
      )}
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
          <TextInput label="Company name" readOnly={!canEdit} required={canEdit} {...form.getInputProps('name')} />
          <TimeZoneSelect
            label="Time zone"
            description="The company's days (reports, quiet hours); each member may pick their own in Account & security."
            readOnly={!canEdit}
            {...form.getInputProps('timezone')}
          />
          <CurrencySelect
            label="Base currency"
            description="The dashboard's totals are in it; deals in other currencies are shown apart. New deals start in it."
            readOnly={!canEdit}
            {...form.getInputProps('currency')}
          />
          {canEdit && (
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
                Save changes
              </Button>
            </Group>
          )}
        </Stack>
      </form>
      {me.role === 'owner' && <RequireTwoFactor company={company} />}
    </Card>
  );
}

/** RequireTwoFactor lets an owner require two-step sign-in from everyone. */
function RequireTwoFactor({ company }: { company: Company }) {
  const me = useSession();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (on: boolean) => call(api.PATCH('/api/company', { body: { require_two_factor: on } })),
    onSuccess: (saved) => {
      qc.setQueryData(keys.company, saved);
      qc.setQueryData<Me | null>(keys.me, (prev) =>
        prev ? { ...prev, company: { ...prev.company, require_two_factor: saved.require_two_factor } } : prev,
      );
      notifySuccess(saved.require_two_factor ? 'Two-step sign-in is now required.' : 'Two-step sign-in is no longer required.');
    },
    onError: (err) => notifyError(err, 'Could not change it'),
  });
  const canTurnOn = me.user.two_factor || company.require_two_factor;
  return (
    <Stack gap={6} mt="xl" pt="lg" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
      <Switch
        label="Require two-step sign-in for everyone"
        description="Members without it can only set it up until they do. Only owners change this."
        checked={company.require_two_factor}
        disabled={save.isPending || !canTurnOn}
        onChange={(e) => save.mutate(e.currentTarget.checked)}
      />
      {!canTurnOn && (
        <Text size="xs" c="dimmed">
          Turn it on for yourself first, in{' '}
          <Anchor component={Link} to="/account" size="xs">
            Account & security
          </Anchor>
          .
        </Text>
      )}
    </Stack>
  );
}
