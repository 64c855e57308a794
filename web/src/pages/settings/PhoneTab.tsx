import {
  ActionIcon,
  Alert,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  PasswordInput,
  Progress,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
  Tooltip,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import {
  IconAlertCircle,
  IconCircleCheck,
  IconCircleX,
  IconDeviceMobile,
  IconFlask,
  IconGauge,
  IconPencil,
  IconPhone,
  IconPhonePlus,
  IconPlugConnected,
  IconTrash,
} from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { isApiError } from '../../api/errors';
import {
  phoneKeys,
  useMyPhone,
  usePhoneLimits,
  usePhoneNumbers,
  useTwilioSettings,
  type PhoneLimits,
  type PhoneNumber,
  type TwilioSettings,
} from '../../api/phone';
import { isAdmin, useUsers } from '../../api/queries';
import { CopyField } from '../../components/CopyField';
import { applyApiError } from '../../components/formErrors';
import { notifyError, notifySuccess } from '../../components/notify';
import { EmptyState, ErrorState, PageLoader } from '../../components/States';
import { useSession } from '../../components/session';
import { countryName, countryOptions } from '../../lib/countries';
import { formatDateTime, formatPhone, formatRelative } from '../../lib/format';
import { zoneLabel } from '../../lib/zoned';

/**
 * PhoneTab connects the company to Twilio (or the built-in simulator), lists
 * its numbers (checked against the company's Twilio account, or given out by
 * the simulator), shows today's usage against the daily caps with the
 * countries texts and calls may go to, and lets everyone set the phone that
 * click-to-call rings.
 */
export function PhoneTab() {
  const me = useSession();
  const admin = isAdmin(me.role);
  return (
    <Stack gap="md" maw={860}>
      <MyPhoneCard />
      {admin ? (
        <>
          <ConnectionSection />
          <NumbersCard />
          <LimitsCard />
        </>
      ) : (
        <Alert variant="light" color="gray" icon={<IconPlugConnected size={18} />}>
          An admin of {me.company.name} connects Twilio and manages the company’s phone numbers.
        </Alert>
      )}
    </Stack>
  );
}

/* ---- your phone ---- */

function MyPhoneCard() {
  const mine = useMyPhone();
  return (
    <Card p="lg">
      <Group gap="xs" mb={4}>
        <IconDeviceMobile size={20} />
        <Title order={2}>Your phone</Title>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        When you press “Call” on a contact, this phone rings first; pick up and we connect you. Calls to a company number assigned to you ring it too.
      </Text>
      {mine.isPending ? (
        <PageLoader />
      ) : mine.isError ? (
        <ErrorState error={mine.error} onRetry={() => mine.refetch()} />
      ) : (
        <MyPhoneForm phone={mine.data} />
      )}
    </Card>
  );
}

function MyPhoneForm({ phone }: { phone: string }) {
  const qc = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ mode: 'controlled', initialValues: { phone } });
  const save = useMutation({
    mutationFn: (v: { phone: string }) => call(api.PUT('/api/twilio-settings/my-phone', { body: { phone: v.phone.trim() } })),
    onSuccess: (saved) => {
      qc.setQueryData(phoneKeys.myPhone, saved);
      form.setValues({ phone: saved.phone });
      form.resetDirty({ phone: saved.phone });
      notifySuccess(saved.phone ? `Your phone is ${formatPhone(saved.phone)}.` : 'Your phone was removed.');
    },
    onError: (err) => setFormError(applyApiError(form, err)),
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) => {
        setFormError(null);
        save.mutate(v);
      })}
    >
      <Stack gap="sm">
        {formError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {formError}
          </Alert>
        )}
        <Group align="flex-start" gap="sm" wrap="wrap">
          <TextInput
            label="Your phone number"
            type="tel"
            autoComplete="tel"
            placeholder="+1 415 555 0123"
            description="Include the country code. Leave empty to remove it."
            style={{ flex: '1 1 240px' }}
            {...form.getInputProps('phone')}
          />
          <Button type="submit" mt={{ base: 0, xs: 25 }} loading={save.isPending} disabled={!form.isDirty()}>
            Save phone
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/* ---- the Twilio connection ---- */

function ConnectionSection() {
  const settings = useTwilioSettings();
  if (settings.isPending)
    return (
      <Card p="lg">
        <PageLoader />
      </Card>
    );
  if (settings.isError)
    return (
      <Card p="lg">
        <ErrorState error={settings.error} onRetry={() => settings.refetch()} />
      </Card>
    );
  return (
    <>
      <ConnectionCard settings={settings.data} />
      {settings.data.configured && settings.data.mode === 'twilio' && <WebhooksCard settings={settings.data} />}
    </>
  );
}

type Mode = TwilioSettings['mode'];

// The server's defaults (internal/telephony), shown as placeholders.
const DEFAULT_RECORDING_NOTICE = 'This call may be recorded.';
const DEFAULT_VOICEMAIL_GREETING = 'Sorry, nobody can take your call right now. Please leave a message after the tone.';

function ConnectionCard({ settings }: { settings: TwilioSettings }) {
  const qc = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const initial = {
    mode: (settings.configured ? settings.mode : 'twilio') as Mode,
    account_sid: settings.account_sid,
    auth_token: '',
    help_reply: settings.help_reply,
    record_calls: settings.record_calls,
    recording_notice: settings.recording_notice,
    voicemail_greeting: settings.voicemail_greeting,
    quiet_hours_start: settings.quiet_hours_start ?? '',
    quiet_hours_end: settings.quiet_hours_end ?? '',
  };
  const form = useForm({
    mode: 'controlled',
    initialValues: initial,
    validate: {
      account_sid: (v, vals) => (vals.mode === 'twilio' && !v.trim() ? 'Enter the Account SID from the Twilio console' : null),
      auth_token: (v, vals) => (vals.mode === 'twilio' && !v && !settings.auth_token_set ? 'Enter the Auth Token from the Twilio console' : null),
      quiet_hours_end: (v, vals) => (Boolean(v) !== Boolean(vals.quiet_hours_start) ? 'Set both times, or neither' : null),
    },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(
        api.PUT('/api/twilio-settings', {
          body: {
            mode: v.mode,
            account_sid: v.account_sid.trim(),
            ...(v.auth_token ? { auth_token: v.auth_token } : {}),
            help_reply: v.help_reply,
            record_calls: v.record_calls,
            recording_notice: v.recording_notice,
            voicemail_greeting: v.voicemail_greeting,
            quiet_hours_start: v.quiet_hours_start,
            quiet_hours_end: v.quiet_hours_end,
          },
        }),
      ),
    onSuccess: (saved) => {
      qc.setQueryData(phoneKeys.settings, saved);
      qc.invalidateQueries({ queryKey: phoneKeys.numbers });
      qc.invalidateQueries({ queryKey: phoneKeys.provider });
      const next = { ...form.values, auth_token: '', quiet_hours_start: saved.quiet_hours_start ?? '', quiet_hours_end: saved.quiet_hours_end ?? '' };
      form.setValues(next);
      form.resetDirty(next);
      notifySuccess(saved.mode === 'simulator' ? 'Simulator on: try texting and calling — nothing is really sent.' : 'Twilio settings saved.');
    },
    onError: (err) => setFormError(applyApiError(form, err)),
  });
  const [check, setCheck] = useState(settings.last_check ?? null);
  const test = useMutation({
    mutationFn: () => call(api.POST('/api/twilio-settings/test')),
    onSuccess: (r) => {
      setCheck(r);
      qc.invalidateQueries({ queryKey: phoneKeys.settings });
    },
    onError: (err) => notifyError(err, 'Could not test the connection'),
  });
  const twilio = form.values.mode === 'twilio';

  return (
    <Card p="lg" data-testid="twilio-connection">
      <Group justify="space-between" mb={4} gap="xs">
        <Group gap="xs">
          <IconPlugConnected size={20} />
          <Title order={2}>Twilio connection</Title>
        </Group>
        {settings.configured ? (
          settings.mode === 'simulator' ? (
            <Badge color="grape" variant="light" leftSection={<IconFlask size={12} />} data-testid="twilio-status">
              Simulator
            </Badge>
          ) : (
            <Badge color="teal" variant="light" data-testid="twilio-status">
              Connected
            </Badge>
          )
        ) : (
          <Badge color="gray" variant="light" data-testid="twilio-status">
            Not connected
          </Badge>
        )}
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        Texts and calls go through your company’s own Twilio account; usage is billed by Twilio.
      </Text>
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
          <Radio.Group label="Provider" {...form.getInputProps('mode')}>
            <SimpleGrid cols={{ base: 1, xs: 2 }} mt="xs" spacing="sm">
              <ModeCard value="twilio" title="Twilio" checked={twilio}>
                Send real texts and make real calls with your Twilio account.
              </ModeCard>
              <ModeCard value="simulator" title="Simulator" checked={!twilio}>
                Try SMS and calls without a Twilio account — nothing is really sent.
              </ModeCard>
            </SimpleGrid>
          </Radio.Group>
          {twilio && (
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <TextInput
                label="Account SID"
                placeholder="AC…"
                autoComplete="off"
                spellCheck={false}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                description="Twilio console → Account info."
                {...form.getInputProps('account_sid')}
              />
              <PasswordInput
                label="Auth token"
                autoComplete="new-password"
                placeholder={settings.auth_token_set ? '•••••• stored' : 'Paste the Auth Token'}
                description={
                  settings.auth_token_set ? 'Stored. Leave empty to keep it; paste a new one to replace it.' : 'Kept encrypted; never shown again.'
                }
                {...form.getInputProps('auth_token')}
              />
            </SimpleGrid>
          )}
          <Textarea
            label="HELP reply"
            description="Sent automatically when someone texts HELP to one of your numbers."
            autosize
            minRows={2}
            maxRows={5}
            {...form.getInputProps('help_reply')}
          />
          <Box>
            <Text size="sm" fw={500}>
              Quiet hours
            </Text>
            <Text size="xs" c="dimmed" mb={6}>
              Automated texts wait until quiet hours are over. Times are in the company’s time zone, {zoneLabel(settings.timezone)}. Leave both empty
              for none.
            </Text>
            <Group gap="sm" align="flex-start" wrap="wrap">
              <TextInput type="time" label="From" w={150} {...form.getInputProps('quiet_hours_start')} />
              <TextInput type="time" label="Until" w={150} {...form.getInputProps('quiet_hours_end')} />
              {(form.values.quiet_hours_start || form.values.quiet_hours_end) && (
                <Button
                  variant="subtle"
                  size="xs"
                  mt={{ base: 0, xs: 28 }}
                  onClick={() => {
                    form.setFieldValue('quiet_hours_start', '');
                    form.setFieldValue('quiet_hours_end', '');
                  }}
                >
                  No quiet hours
                </Button>
              )}
            </Group>
          </Box>
          <Stack gap="xs" data-testid="call-recording">
            <Switch
              label="Record answered calls"
              description="Callers, and the people you call, hear the recording notice before they are connected. Voicemails are always recorded."
              {...form.getInputProps('record_calls', { type: 'checkbox' })}
            />
            {form.values.record_calls && (
              <TextInput
                label="Recording notice"
                description="Said before a recorded call is connected. Leave empty for the default."
                placeholder={DEFAULT_RECORDING_NOTICE}
                {...form.getInputProps('recording_notice')}
              />
            )}
            <Textarea
              label="Voicemail greeting"
              description="Said to a caller nobody answered, before the tone. Leave empty for the default."
              placeholder={DEFAULT_VOICEMAIL_GREETING}
              autosize
              minRows={2}
              maxRows={4}
              {...form.getInputProps('voicemail_greeting')}
            />
          </Stack>
          <Group justify="space-between" gap="sm" wrap="wrap">
            <Group gap="sm" wrap="wrap">
              <Button
                variant="default"
                leftSection={<IconPlugConnected size={16} />}
                onClick={() => test.mutate()}
                loading={test.isPending}
                disabled={!settings.configured || form.isDirty()}
              >
                Test connection
              </Button>
              {check && <CheckResult check={check} />}
              {!settings.configured && (
                <Text size="xs" c="dimmed">
                  Save first, then test.
                </Text>
              )}
              {settings.configured && form.isDirty() && (
                <Text size="xs" c="dimmed">
                  Save your changes to test them.
                </Text>
              )}
            </Group>
            <Button type="submit" loading={save.isPending} disabled={settings.configured && !form.isDirty()}>
              {settings.configured ? 'Save changes' : 'Save and connect'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function ModeCard({ value, title, checked, children }: { value: Mode; title: string; checked: boolean; children: React.ReactNode }) {
  return (
    <Radio.Card value={value} radius="md" p="sm" withBorder style={{ borderColor: checked ? 'var(--mantine-primary-color-filled)' : undefined }}>
      <Group wrap="nowrap" align="flex-start" gap="sm">
        <Radio.Indicator mt={2} />
        <Box>
          <Text fw={600} size="sm">
            {title}
          </Text>
          <Text size="xs" c="dimmed">
            {children}
          </Text>
        </Box>
      </Group>
    </Radio.Card>
  );
}

function CheckResult({ check }: { check: { ok: boolean; message: string; at: string } }) {
  const me = useSession();
  return (
    <Group gap={6} wrap="nowrap" data-testid="twilio-check" data-ok={check.ok} role="status" miw={0}>
      {check.ok ? <IconCircleCheck size={18} color="var(--mantine-color-teal-6)" /> : <IconCircleX size={18} color="var(--mantine-color-red-6)" />}
      <Box miw={0}>
        <Text size="sm" fw={600} c={check.ok ? 'teal' : 'red'}>
          {check.ok ? 'Connection works' : 'Connection failed'}
        </Text>
        <Text size="xs" c="dimmed" title={formatDateTime(check.at, me.company.timezone)} style={{ wordBreak: 'break-word' }}>
          {check.message ? `${check.message} · ` : ''}
          {formatRelative(check.at)}
        </Text>
      </Box>
    </Group>
  );
}

function WebhooksCard({ settings }: { settings: TwilioSettings }) {
  return (
    <Card p="lg">
      <Title order={2} mb={4}>
        Webhooks
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        In the Twilio console, open Phone Numbers → Manage → Active numbers and pick each number. Under <b>Messaging</b>, set “A message comes in” to
        the SMS URL; under <b>Voice</b>, set “A call comes in” to the Voice URL and “Call status changes” to the Voice status URL (all HTTP POST).
        Delivery receipts use the SMS status URL on their own.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <CopyField label="SMS URL" value={settings.webhooks.sms} mono />
        <CopyField label="SMS status URL" value={settings.webhooks.sms_status} mono />
        <CopyField label="Voice URL" value={settings.webhooks.voice} mono />
        <CopyField label="Voice status URL" value={settings.webhooks.voice_status} mono />
      </SimpleGrid>
    </Card>
  );
}

/* ---- phone numbers ---- */

type NumberModal = { mode: 'closed' } | { mode: 'add' } | { mode: 'edit'; number: PhoneNumber };

function NumbersCard() {
  const me = useSession();
  const qc = useQueryClient();
  const numbers = usePhoneNumbers();
  const settings = useTwilioSettings();
  const configured = settings.data?.configured ?? false;
  const simulated = configured && settings.data?.mode === 'simulator';
  const [modal, setModal] = useState<NumberModal>({ mode: 'closed' });
  const remove = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/twilio-settings/numbers/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: phoneKeys.numbers });
      qc.invalidateQueries({ queryKey: phoneKeys.provider });
      qc.invalidateQueries({ queryKey: phoneKeys.limits });
      notifySuccess('Number removed. Texts and calls to it are no longer handled here.');
    },
    onError: (err) => notifyError(err, 'Could not remove the number'),
  });
  const confirmRemove = (n: PhoneNumber) =>
    modals.openConfirmModal({
      title: `Remove ${formatPhone(n.number)}?`,
      children: (
        <Text size="sm">
          {me.company.name} stops sending from it and ignores texts and calls to it. Conversations and the call log stay. The number itself stays in
          your Twilio account.
        </Text>
      ),
      labels: { confirm: 'Remove number', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(n.id),
    });

  return (
    <Card p={0}>
      <Group justify="space-between" p="md" wrap="wrap" gap="sm">
        <Box>
          <Text fw={650}>Phone numbers</Text>
          <Text size="sm" c="dimmed">
            {simulated
              ? 'Simulated numbers come from the fictional 555-0100 to 555-0199 range, which no real phone has.'
              : 'The numbers texts are sent from and calls come in on: numbers of your Twilio account, checked with Twilio.'}
          </Text>
        </Box>
        <Tooltip label="Connect Twilio or turn on the simulator first" disabled={configured}>
          <Button leftSection={<IconPhonePlus size={16} />} onClick={() => setModal({ mode: 'add' })} disabled={!configured}>
            {simulated ? 'Get a number' : 'Add number'}
          </Button>
        </Tooltip>
      </Group>
      {numbers.isPending ? (
        <PageLoader />
      ) : numbers.isError ? (
        <ErrorState error={numbers.error} onRetry={() => numbers.refetch()} />
      ) : numbers.data.length === 0 ? (
        <EmptyState
          icon={<IconPhone size={28} />}
          title="No numbers yet"
          action={
            configured && (
              <Button variant="default" leftSection={<IconPhonePlus size={16} />} onClick={() => setModal({ mode: 'add' })}>
                {simulated ? 'Get a simulated number' : 'Add a number'}
              </Button>
            )
          }
        >
          {simulated ? 'Get a simulated number to try texting and calling.' : 'Add a number of your Twilio account to start texting and calling.'}
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={0}>
          <Table className="crm-table" verticalSpacing="sm" horizontalSpacing="md">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th visibleFrom="xs">Rings</Table.Th>
                <Table.Th visibleFrom="sm" ta="right">
                  SMS / sec
                </Table.Th>
                <Table.Th w={80}>
                  <span className="crm-sr-only">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {numbers.data.map((n) => (
                <Table.Tr key={n.id} data-testid="number-row" data-number={n.number}>
                  <Table.Td maw={0} style={{ width: '100%' }}>
                    <Text size="sm" fw={550} className="crm-truncate">
                      {formatPhone(n.number)}
                    </Text>
                    {n.label && (
                      <Text size="xs" c="dimmed" className="crm-truncate">
                        {n.label}
                      </Text>
                    )}
                    <Text size="xs" c="dimmed" hiddenFrom="xs">
                      Rings {n.user_id ? (n.user_id === me.user.id ? 'you' : n.user_name) : 'nobody'}
                    </Text>
                  </Table.Td>
                  <Table.Td visibleFrom="xs" style={{ whiteSpace: 'nowrap' }}>
                    {n.user_id ? (
                      <Text size="sm">{n.user_id === me.user.id ? 'You' : n.user_name}</Text>
                    ) : (
                      <Text size="sm" c="dimmed">
                        Nobody
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td visibleFrom="sm" ta="right">
                    <Text size="sm">{n.sms_per_second}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={2} wrap="nowrap" justify="flex-end">
                      <Tooltip label="Edit">
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          onClick={() => setModal({ mode: 'edit', number: n })}
                          aria-label={`Edit ${formatPhone(n.number)}`}
                        >
                          <IconPencil size={16} />
                        </ActionIcon>
                      </Tooltip>
                      <Tooltip label="Remove">
                        <ActionIcon variant="subtle" color="red" onClick={() => confirmRemove(n)} aria-label={`Remove ${formatPhone(n.number)}`}>
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <NumberFormModal
        modal={modal}
        simulated={simulated}
        accountSid={settings.data?.account_sid ?? ''}
        onClose={() => setModal({ mode: 'closed' })}
      />
    </Card>
  );
}

function NumberFormModal({
  modal,
  simulated,
  accountSid,
  onClose,
}: {
  modal: NumberModal;
  simulated: boolean;
  accountSid: string;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={modal.mode !== 'closed'}
      onClose={onClose}
      title={modal.mode === 'edit' ? `Edit ${formatPhone(modal.number.number)}` : simulated ? 'Get a simulated number' : 'Add a phone number'}
    >
      {modal.mode !== 'closed' && (
        <NumberForm
          key={modal.mode === 'edit' ? modal.number.id : 'add'}
          number={modal.mode === 'edit' ? modal.number : null}
          simulated={simulated}
          accountSid={accountSid}
          onDone={onClose}
        />
      )}
    </Modal>
  );
}

/**
 * NumberForm adds or edits a number. On Twilio the number is typed and the
 * server checks with Twilio that it is in the company's account; on the
 * simulator the server picks one, so there is nothing to type.
 */
function NumberForm({
  number,
  simulated,
  accountSid,
  onDone,
}: {
  number: PhoneNumber | null;
  simulated: boolean;
  accountSid: string;
  onDone: () => void;
}) {
  const me = useSession();
  const qc = useQueryClient();
  const users = useUsers();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      number: number?.number ?? '',
      label: number?.label ?? '',
      user_id: number?.user_id ?? '',
      sms_per_second: number?.sms_per_second ?? 1,
    },
    validate: { number: (v) => (!number && !simulated && !v.trim() ? 'Enter the number as it is in Twilio, with the country code' : null) },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      number
        ? call(
            api.PATCH('/api/twilio-settings/numbers/{id}', {
              params: { path: { id: number.id } },
              body: { label: v.label.trim(), user_id: v.user_id, sms_per_second: Number(v.sms_per_second) || 1 },
            }),
          )
        : call(
            api.POST('/api/twilio-settings/numbers', {
              body: {
                ...(simulated ? {} : { number: v.number.trim() }),
                label: v.label.trim(),
                ...(v.user_id ? { user_id: v.user_id } : {}),
                sms_per_second: Number(v.sms_per_second) || 1,
              },
            }),
          ),
    onSuccess: (saved) => {
      qc.invalidateQueries({ queryKey: phoneKeys.numbers });
      qc.invalidateQueries({ queryKey: phoneKeys.provider });
      qc.invalidateQueries({ queryKey: phoneKeys.limits });
      notifySuccess(number ? 'Number saved.' : `${formatPhone(saved.number)} added.`);
      onDone();
    },
    onError: (err) => {
      // "Already connected to a CRM company" is about the number field, whatever shape the problem has.
      if (isApiError(err, 409) && !err.problem.errors?.length) {
        form.setFieldError('number', err.problem.detail || 'This number is already connected to a CRM company.');
        setFormError(null);
        return;
      }
      setFormError(applyApiError(form, err));
    },
  });
  const userOptions = [
    { value: '', label: 'Nobody (texts only)' },
    ...(users.data ?? []).map((u) => ({ value: u.id, label: u.id === me.user.id ? `${u.name || u.email} (you)` : u.name || u.email })),
  ];
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
        {!number && simulated ? (
          <Alert variant="light" color="grape" icon={<IconFlask size={18} />} data-testid="simulated-number-note">
            The simulator picks a free number from the fictional 555-0100 to 555-0199 range. No real phone has one, so nothing you try reaches
            anybody.
          </Alert>
        ) : (
          <TextInput
            label="Number"
            type="tel"
            placeholder="+1 500 555 0006"
            description={
              number
                ? 'To change the number, remove it and add the new one.'
                : `A number of your Twilio account${accountSid ? ` ${accountSid}` : ''}, with the country code. We check with Twilio that it is yours.`
            }
            required={!number}
            readOnly={Boolean(number)}
            data-autofocus
            {...form.getInputProps('number')}
          />
        )}
        <TextInput label="Label" placeholder="Sales line" {...form.getInputProps('label')} />
        <Select
          label="Rings"
          description="Inbound calls to this number ring this person’s phone; their texts go out from it by default."
          data={userOptions}
          allowDeselect={false}
          {...form.getInputProps('user_id')}
        />
        <NumberInput
          label="SMS per second"
          description="Twilio’s sending rate for this number (1 for a long code)."
          min={1}
          max={100}
          allowDecimal={false}
          w={200}
          {...form.getInputProps('sms_per_second')}
        />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {number ? 'Save number' : simulated ? 'Get a number' : 'Add number'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/* ---- limits: daily caps and destination countries ---- */

function LimitsCard() {
  const limits = usePhoneLimits();
  return (
    <Card p="lg" data-testid="phone-limits">
      <Group gap="xs" mb={4}>
        <IconGauge size={20} />
        <Title order={2}>Limits</Title>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        Caps on what costs money, against toll fraud and SMS pumping. The daily caps are set by whoever runs this CRM; the countries are yours to
        choose.
      </Text>
      {limits.isPending ? (
        <PageLoader />
      ) : limits.isError ? (
        <ErrorState error={limits.error} onRetry={() => limits.refetch()} />
      ) : (
        <Stack gap="lg">
          <UsageMeters limits={limits.data} />
          <CountriesForm key={(limits.data.allowed_countries ?? []).join(',') + String(limits.data.countries_default)} limits={limits.data} />
        </Stack>
      )}
    </Card>
  );
}

function UsageMeters({ limits }: { limits: PhoneLimits }) {
  const me = useSession();
  const u = limits.usage;
  const meter = (label: string, used: number, cap: number, testid: string) => {
    const pct = cap > 0 ? Math.min(100, (used / cap) * 100) : 0;
    return (
      <Box data-testid={testid} data-used={used} data-limit={cap}>
        <Group justify="space-between" gap="xs" mb={4}>
          <Text size="sm" fw={500}>
            {label}
          </Text>
          <Text size="sm" c={cap > 0 && used >= cap ? 'red' : undefined}>
            {cap > 0 ? `${used.toLocaleString()} of ${cap.toLocaleString()} today` : `${used.toLocaleString()} today · no cap`}
          </Text>
        </Group>
        <Progress value={pct} color={pct >= 100 ? 'red' : pct >= 80 ? 'orange' : 'teal'} aria-label={`${label} today`} />
      </Box>
    );
  };
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        {meter('Texts sent', u.sms_sent, u.sms_limit, 'usage-sms')}
        {meter('Calls placed', u.calls_placed, u.calls_limit, 'usage-calls')}
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        Texts count members’ and integrations’ sends and HELP replies; calls count click-to-calls. Past a cap, sends and calls are refused until the
        next day starts, {formatDateTime(u.resets_at, me.company.timezone)} ({zoneLabel(me.company.timezone)}).
      </Text>
    </Stack>
  );
}

function CountriesForm({ limits }: { limits: PhoneLimits }) {
  const qc = useQueryClient();
  const allowed = limits.allowed_countries ?? [];
  const [countries, setCountries] = useState<string[]>(allowed);
  const [error, setError] = useState<string | null>(null);
  const options = countryOptions();
  const save = useMutation({
    mutationFn: (codes: string[]) => call(api.PUT('/api/twilio-settings/allowed-countries', { body: { countries: codes } })),
    onSuccess: (saved) => {
      qc.setQueryData(phoneKeys.limits, saved);
      setError(null);
      notifySuccess(
        saved.countries_default
          ? 'Back to the countries of your numbers.'
          : `Texts and calls may go to ${(saved.allowed_countries ?? []).map(countryName).join(', ')}.`,
      );
    },
    onError: (err) => {
      if (isApiError(err, 422)) {
        setError(err.problem.errors?.[0]?.message ?? err.problem.detail ?? 'Those countries were refused.');
        return;
      }
      notifyError(err, 'Could not save the countries');
    },
  });
  const dirty = countries.join(',') !== allowed.join(',');
  const own = (limits.number_countries ?? []).map(countryName).join(', ');
  return (
    <Stack gap="xs" data-testid="allowed-countries">
      <MultiSelect
        label="Countries texts and calls may go to"
        description={
          limits.countries_default
            ? `The default: the countries of your numbers${own ? ` (${own})` : ''}, following them as numbers come and go.`
            : 'Chosen by an admin. Premium-rate numbers are never texted or called, in any country.'
        }
        placeholder={countries.length ? undefined : 'Pick countries'}
        data={options}
        value={countries}
        onChange={(v) => {
          setCountries(v);
          setError(null);
        }}
        searchable
        clearable
        hidePickedOptions
        maxDropdownHeight={240}
        error={error}
        nothingFoundMessage="No such country"
      />
      <Group justify="flex-end" gap="xs">
        {!limits.countries_default && (
          <Button variant="subtle" onClick={() => save.mutate([])} loading={save.isPending && !dirty}>
            Use the countries of our numbers
          </Button>
        )}
        <Button onClick={() => save.mutate(countries)} disabled={!dirty} loading={save.isPending && dirty}>
          Save countries
        </Button>
      </Group>
    </Stack>
  );
}
