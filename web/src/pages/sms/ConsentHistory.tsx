import { ActionIcon, Alert, Badge, Button, Group, Loader, Modal, Stack, Text, Tooltip } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { phoneKeys, type SmsThread } from '../../api/phone';
import type { components } from '../../api/schema';
import { notifyError, notifySuccess } from '../../components/notify';
import { formatDateTime, formatPhone } from '../../lib/format';

type Consent = components['schemas']['SMSConsent'];

const consentKey = (phone: string) => ['sms', 'consents', phone] as const;

/** how says where a consent record came from: the keyword texted, or who changed it by hand. */
function how(c: Consent): string {
  if (c.source === 'keyword') return `Texted ${c.keyword}${c.number ? ` to ${formatPhone(c.number)}` : ''}`;
  return c.created_by_name ? `Set by hand by ${c.created_by_name}` : 'Set by hand';
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
  const change = useMutation({
    mutationFn: (action: 'opt_out' | 'opt_in') => call(api.POST('/api/sms/consents', { body: { phone: t.phone, action } })),
    onSuccess: (c) => {
      qc.invalidateQueries({ queryKey: consentKey(t.phone) });
      qc.invalidateQueries({ queryKey: phoneKeys.thread(t.id) });
      qc.invalidateQueries({ queryKey: phoneKeys.threads });
      notifySuccess(c.action === 'opt_out' ? 'Opted out: no more texts to this number.' : 'Opted back in.');
    },
    onError: (err) => notifyError(err, 'Could not change the consent'),
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
                  <Group gap="xs" wrap="nowrap" miw={0}>
                    <Badge size="sm" variant="light" color={c.action === 'opt_out' ? 'red' : 'teal'} style={{ flexShrink: 0 }}>
                      {c.action === 'opt_out' ? 'Opted out' : 'Opted in'}
                    </Badge>
                    <Text size="sm">{how(c)}</Text>
                  </Group>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(c.created_at)}
                  </Text>
                </Group>
              ))}
            </Stack>
          )}
          <Group justify="flex-end" gap="xs">
            {t.opted_out ? (
              <Tooltip label="Only when they asked you to, for example in writing" withArrow>
                <Button variant="default" loading={change.isPending} onClick={() => change.mutate('opt_in')}>
                  Opt back in
                </Button>
              </Tooltip>
            ) : (
              <Button color="red" variant="light" loading={change.isPending} onClick={() => change.mutate('opt_out')}>
                Opt out by hand
              </Button>
            )}
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
