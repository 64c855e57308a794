import { Alert, Badge, Button, Card, Group, Modal, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconShieldCheck, IconShieldOff } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type RecoveryCodes, useDisableTwoFactor, useNewRecoveryCodes } from '../../api/account';
import { errorMessage, isApiError, throttleMessage } from '../../api/errors';
import { keys } from '../../api/queries';
import { notifySuccess } from '../../components/notify';
import { useSession } from '../../components/session';
import { RecoveryCodesView, TwoFactorSetup } from './TwoFactorSetup';

export function TwoFactorCard() {
  const me = useSession();
  const on = me.user.two_factor;
  const qc = useQueryClient();
  const [setupOpened, setupModal] = useDisclosure(false);
  const [confirm, setConfirm] = useState<'disable' | 'codes' | null>(null);
  const [codes, setCodes] = useState<RecoveryCodes | null>(null);
  return (
    <Card p="lg">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <div style={{ flex: '1 1 320px' }}>
          <Group gap="xs" mb={4}>
            <Title order={2} size="h4">
              Two-step sign-in
            </Title>
            <Badge variant="light" color={on ? 'teal' : 'gray'} leftSection={on ? <IconShieldCheck size={12} /> : <IconShieldOff size={12} />}>
              {on ? 'On' : 'Off'}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            {on
              ? 'Signing in asks for a code from your authenticator app after your password.'
              : 'Ask for a code from an authenticator app after your password, so a leaked password alone cannot open your account.'}
            {me.company.require_two_factor && ` ${me.company.name} requires it.`}
          </Text>
        </div>
        {on ? (
          <Group gap="xs">
            <Button variant="default" onClick={() => setConfirm('codes')}>
              New recovery codes
            </Button>
            {!me.company.require_two_factor && (
              <Button variant="default" color="red" onClick={() => setConfirm('disable')}>
                Turn off
              </Button>
            )}
          </Group>
        ) : (
          <Button leftSection={<IconShieldCheck size={16} />} onClick={setupModal.open}>
            Set up
          </Button>
        )}
      </Group>
      <Modal opened={setupOpened} onClose={setupModal.close} title="Set up two-step sign-in" closeOnClickOutside={false} size="lg">
        {setupOpened && (
          <TwoFactorSetup
            onCancel={setupModal.close}
            onDone={() => {
              setupModal.close();
              qc.invalidateQueries({ queryKey: keys.me });
              notifySuccess('Two-step sign-in is on.');
            }}
          />
        )}
      </Modal>
      <Modal
        opened={confirm != null}
        onClose={() => {
          setConfirm(null);
          setCodes(null);
        }}
        title={confirm === 'disable' ? 'Turn off two-step sign-in' : 'New recovery codes'}
        closeOnClickOutside={false}
      >
        {codes ? (
          <RecoveryCodesView
            codes={codes.recovery_codes ?? []}
            onDone={() => {
              setConfirm(null);
              setCodes(null);
            }}
          />
        ) : (
          confirm && (
            <ConfirmWithPassword
              action={confirm}
              onDone={(c) => {
                if (c) setCodes(c);
                else {
                  setConfirm(null);
                  notifySuccess('Two-step sign-in is off.');
                }
              }}
            />
          )
        )}
      </Modal>
    </Card>
  );
}

function ConfirmWithPassword({ action, onDone }: { action: 'disable' | 'codes'; onDone: (codes?: RecoveryCodes) => void }) {
  const disable = useDisableTwoFactor();
  const renew = useNewRecoveryCodes();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const pending = disable.isPending || renew.isPending;
  const fail = (err: unknown) =>
    setError(isApiError(err, 422) ? 'That is not your current password' : isApiError(err, 429) ? throttleMessage(err.retryAfter) : errorMessage(err));
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        if (action === 'disable') disable.mutate(password, { onSuccess: () => onDone(), onError: fail });
        else renew.mutate(password, { onSuccess: (c) => onDone(c), onError: fail });
      }}
    >
      <Stack gap="md">
        <Text size="sm">
          {action === 'disable'
            ? 'Your password alone will sign you in again. Your recovery codes stop working.'
            : 'Your old recovery codes stop working; the new ones are shown once.'}
        </Text>
        {error && !error.includes('password') && (
          <Alert color="red" variant="light" role="alert">
            {error}
          </Alert>
        )}
        <PasswordInput
          label="Your password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={error?.includes('password') ? error : null}
          data-autofocus
        />
        <Group justify="flex-end">
          <Button type="submit" color={action === 'disable' ? 'red' : undefined} loading={pending}>
            {action === 'disable' ? 'Turn off' : 'Make new codes'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
