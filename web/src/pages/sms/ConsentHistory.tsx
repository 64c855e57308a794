import { ActionIcon, Alert, Badge, Box, Button, Group, Loader, Modal, Select, Stack, Text, TextInput, Textarea, Tooltip } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconShieldCheck } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { fieldPath, isApiError } from '../../api/errors';
import { phoneKeys, type SmsThread } from '../../api/phone';
import type { components } from '../../api/schema';
import { notifyError, notifySuccess } from '../../components/notify';
import { formatDateTime, formatPhone } from '../../lib/format';

type Consent = components['schemas']['SMSConsent'];

const consentKey = (phone: string) => ['sms', 'consents', phone] as const;

/** How a person can agree to texts other than by texting START, as the server names them. */
const METHODS = [
  { value: 'paper_form', label: 'Paper form' },
  { value: 'verbal_on_call', label: 'Verbally, on a call' },
  { value: 'web_form', label: 'Web form' },
  { value: 'email', label: 'Email' },
  { value: 'in_person', label: 'In person' },
];

const methodLabel = (m: string) => METHODS.find((x) => x.value === m)?.label ?? m;

/** how says where a consent record came from: the keyword texted, or who changed it by hand. */
function how(c: Consent): string {
  if (c.source === 'keyword') return `Texted ${c.keyword}${c.number ? ` to ${formatPhone(c.number)}` : ''}`;
  return c.created_by_name ? `Set by hand by ${c.created_by_name}` : 'Set by hand';
}

/** localNow is the current time as a datetime-local input's value. */
function localNow(): string {
  const d = new Date();
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/**
 * ConsentHistory is the opt-out record of a conversation's number: every
 * STOP and START with when and on which company number, and a way to opt
 * someone out (or back in, when they asked) by hand.
 */
export function ConsentHistory({ t }: { t: SmsThread }) {
  const [open, setOpen] = useState(false);
  const qc = useQueryClient();
  const records = useQuery({
    queryKey: consentKey(t.phone),
    queryFn: ({ signal }) => call(api.GET('/api/sms/consents', { params: { query: { phone: t.phone } }, signal })),
    select: (d) => d.items ?? [],
    enabled: open,
  });
  const [evidenceOpen, setEvidenceOpen] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { method: '', consented_at: localNow(), statement: '' },
    validate: {
      method: (v) => (v ? null : 'How did they agree?'),
      consented_at: (v) => (v ? null : 'When did they agree?'),
      statement: (v) => (v.trim() ? null : 'Write down what they said or signed'),
    },
  });
  const done = (c: Consent) => {
    qc.invalidateQueries({ queryKey: consentKey(t.phone) });
    qc.invalidateQueries({ queryKey: phoneKeys.thread(t.id) });
    qc.invalidateQueries({ queryKey: phoneKeys.threads });
    setEvidenceOpen(false);
    form.reset();
    notifySuccess(c.action === 'opt_out' ? 'Opted out: no more texts to this number.' : 'Opted back in, with the evidence recorded.');
  };
  const optOut = useMutation({
    mutationFn: () => call(api.POST('/api/sms/consents', { body: { phone: t.phone, action: 'opt_out' } })),
    onSuccess: done,
    onError: (err) => notifyError(err, 'Could not opt them out'),
  });
  const optIn = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(
        api.POST('/api/sms/consents', {
          body: {
            phone: t.phone,
            action: 'opt_in',
            evidence: { method: v.method, consented_at: new Date(v.consented_at).toISOString(), statement: v.statement.trim() },
          },
        }),
      ),
    onSuccess: done,
    onError: (err) => {
      // The server names body.evidence.<field>; the form's fields are flat.
      if (isApiError(err, 422) && err.problem.errors?.length) {
        const errors: Record<string, string> = {};
        for (const e of err.problem.errors) {
          const f = fieldPath(e.location)?.replace(/^evidence\./, '');
          if (f && f in form.values) errors[f] = e.message ?? 'is not valid';
        }
        if (Object.keys(errors).length) {
          form.setErrors(errors);
          return;
        }
      }
      notifyError(err, 'Could not opt them back in');
    },
  });
  const list = records.data ?? [];
  return (
    <>
      <Tooltip label="SMS consent history">
        <ActionIcon variant="default" size="lg" aria-label="SMS consent history" onClick={() => setOpen(true)}>
          <IconShieldCheck size={18} />
        </ActionIcon>
      </Tooltip>
      <Modal opened={open} onClose={() => setOpen(false)} title={`SMS consent · ${formatPhone(t.phone)}`} size="lg">
        <Stack gap="sm">
          <Text size="sm">
            {t.opted_out ? (
              <>
                <Badge color="red" variant="light" mr={6}>
                  Opted out
                </Badge>
                Texts to this number are refused until they text START.
              </>
            ) : (
              <>
                <Badge color="teal" variant="light" mr={6}>
                  Subscribed
                </Badge>
                Texts can be sent. A reply of STOP, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE or OPTOUT opts them out.
              </>
            )}
          </Text>
          {records.isPending ? (
            <Loader size="sm" />
          ) : records.isError ? (
            <Alert color="red">Could not load the history.</Alert>
          ) : list.length === 0 ? (
            <Text size="sm" c="dimmed">
              No opt-out or opt-in yet.
            </Text>
          ) : (
            <Stack gap={0} data-testid="consent-history">
              {list.map((c) => (
                <Group
                  key={c.id}
                  justify="space-between"
                  gap="xs"
                  py={8}
                  wrap="wrap"
                  style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
                >
                  <Group gap="xs" wrap="nowrap" miw={0} align="flex-start">
                    <Badge size="sm" variant="light" color={c.action === 'opt_out' ? 'red' : 'teal'} style={{ flexShrink: 0 }} mt={2}>
                      {c.action === 'opt_out' ? 'Opted out' : 'Opted in'}
                    </Badge>
                    <Box miw={0}>
                      <Text size="sm">{how(c)}</Text>
                      {c.evidence && (
                        <Text size="xs" c="dimmed" data-testid="consent-evidence" style={{ wordBreak: 'break-word' }}>
                          {methodLabel(c.evidence.method)}, {formatDateTime(c.evidence.consented_at)}: “{c.evidence.statement}”
                        </Text>
                      )}
                    </Box>
                  </Group>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(c.created_at)}
                  </Text>
                </Group>
              ))}
            </Stack>
          )}
          {evidenceOpen ? (
            <form
              noValidate
              data-testid="consent-evidence-form"
              onSubmit={form.onSubmit((v) => optIn.mutate(v))}
              style={{ borderTop: '1px solid var(--mantine-color-default-border)', paddingTop: 12 }}
            >
              <Stack gap="sm">
                <Text size="sm">
                  Opting someone back in needs their agreement on record: how and when they gave it, and what they said. You are recorded as who
                  entered it. The simplest proof is asking them to text START.
                </Text>
                <Group grow align="flex-start" gap="sm" wrap="wrap">
                  <Select
                    label="How they agreed"
                    placeholder="Pick one"
                    data={METHODS}
                    allowDeselect={false}
                    miw={180}
                    {...form.getInputProps('method')}
                  />
                  <TextInput label="When" type="datetime-local" miw={180} {...form.getInputProps('consented_at')} />
                </Group>
                <Textarea
                  label="What they said or signed"
                  placeholder="“Yes, please text me about my delivery.”"
                  autosize
                  minRows={2}
                  maxRows={5}
                  {...form.getInputProps('statement')}
                />
                <Group justify="flex-end" gap="xs">
                  <Button variant="default" onClick={() => setEvidenceOpen(false)}>
                    Cancel
                  </Button>
                  <Button type="submit" loading={optIn.isPending}>
                    Opt back in
                  </Button>
                </Group>
              </Stack>
            </form>
          ) : (
            <Group justify="flex-end" gap="xs">
              {t.opted_out ? (
                <Button variant="default" onClick={() => setEvidenceOpen(true)}>
                  Opt back in with evidence…
                </Button>
              ) : (
                <Button color="red" variant="light" loading={optOut.isPending} onClick={() => optOut.mutate()}>
                  Opt out by hand
                </Button>
              )}
            </Group>
          )}
        </Stack>
      </Modal>
    </>
  );
}
