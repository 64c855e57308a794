import { Alert, Button, Code, Group, Image, List, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle, IconAlertTriangle, IconDownload } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { type RecoveryCodes, type TwoFactorSetup as Setup, useEnableTwoFactor, useStartTwoFactor } from '../../api/account';
import { errorMessage, isApiError } from '../../api/errors';
import { CopyField } from '../../components/CopyField';

/**
 * TwoFactorSetup walks through turning on two-step sign-in: scan the QR code
 * (or type the secret), confirm a code, then keep the recovery codes, which
 * are shown once. onDone runs when the person has seen their codes.
 */
export function TwoFactorSetup({ onDone, onCancel }: { onDone: () => void; onCancel?: () => void }) {
  const start = useStartTwoFactor();
  const enable = useEnableTwoFactor();
  const [setup, setSetup] = useState<Setup | null>(null);
  const [codes, setCodes] = useState<RecoveryCodes | null>(null);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const { mutate: begin } = start;
  // Each start makes a new secret and replaces the last; start once, even
  // when React runs effects twice.
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    begin(undefined, { onSuccess: setSetup });
  }, [begin]);

  if (codes) return <RecoveryCodesView codes={codes.recovery_codes ?? []} onDone={onDone} />;
  if (start.isError) {
    return (
      <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
        {errorMessage(start.error)}
      </Alert>
    );
  }
  if (!setup) return <Text size="sm">Making your secret…</Text>;
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!code.trim()) {
          setCodeError('Enter the 6-digit code the app shows');
          return;
        }
        setCodeError(null);
        enable.mutate(code.trim(), {
          onSuccess: setCodes,
          onError: (err) =>
            setCodeError(isApiError(err, 422) ? 'That code is not right. Check the phone’s clock, and try the next code.' : errorMessage(err)),
        });
      }}
    >
      <Stack gap="md">
        <List type="ordered" size="sm" spacing={4}>
          <List.Item>Open an authenticator app (Google Authenticator, 1Password, Authy, Microsoft Authenticator…).</List.Item>
          <List.Item>Scan this QR code, or type the secret below.</List.Item>
          <List.Item>Enter the 6-digit code it shows.</List.Item>
        </List>
        <Group gap="md" align="center" wrap="wrap">
          <Image src={setup.qr_code} alt="QR code for your authenticator app" w={160} h={160} radius="sm" />
          <Text size="sm" c="dimmed" style={{ flex: '1 1 160px' }}>
            Scanning shows the account as “Sales CRM”. No camera? Copy the secret into the app instead.
          </Text>
        </Group>
        <CopyField label="Secret" value={setup.secret} mono />
        <TextInput
          label="Code from the app"
          autoComplete="one-time-code"
          inputMode="numeric"
          maxLength={8}
          placeholder="123456"
          value={code}
          error={codeError}
          onChange={(e) => setCode(e.currentTarget.value)}
          data-autofocus
        />
        <Group justify="flex-end" gap="sm">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={enable.isPending}>
            Turn on two-step sign-in
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** RecoveryCodesView shows new recovery codes once, with copy and download. */
export function RecoveryCodesView({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = codes.join('\n');
  const download = () => {
    const url = URL.createObjectURL(new Blob([`Sales CRM recovery codes\n\n${text}\n`], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'sales-crm-recovery-codes.txt';
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Stack gap="md">
      <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />}>
        Keep these recovery codes somewhere safe. Each signs you in once if you lose your phone. They are shown only now.
      </Alert>
      <SimpleGrid cols={2} spacing={6} data-testid="recovery-codes">
        {codes.map((c) => (
          <Code key={c} fz="sm" ta="center" py={6}>
            {c}
          </Code>
        ))}
      </SimpleGrid>
      <Group justify="space-between" gap="sm">
        <Button variant="default" leftSection={<IconDownload size={16} />} onClick={download}>
          Download
        </Button>
        <Button onClick={onDone}>I have saved them</Button>
      </Group>
    </Stack>
  );
}
