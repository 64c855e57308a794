import { Alert, Button, Card, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { useChangePassword } from '../../api/account';
import { isApiError, throttleMessage } from '../../api/errors';
import { applyApiError } from '../../components/formErrors';
import { notifySuccess } from '../../components/notify';
import { useSession } from '../../components/session';
import { formatRelative } from '../../lib/format';
import { validatePassword } from '../../lib/validation';

export function PasswordCard() {
  const me = useSession();
  const change = useChangePassword();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { current: '', next: '', again: '' },
    validate: {
      current: (v) => (v ? null : 'Enter your current password'),
      next: (v, all) => validatePassword(v) ?? (v === all.current ? 'Choose a password different from the current one' : null),
      again: (v, all) => (v === all.next ? null : 'The two new passwords differ'),
    },
  });
  return (
    <Card p="lg">
      <Title order={2} size="h4" mb={4}>
        Password
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {me.user.password_changed_at ? `Last changed ${formatRelative(me.user.password_changed_at)}. ` : ''}
        Changing it signs you out everywhere else and revokes the API tokens you made.
      </Text>
      <form
        noValidate
        onSubmit={form.onSubmit((v) => {
          setFormError(null);
          change.mutate(
            { current_password: v.current, new_password: v.next },
            {
              onSuccess: () => {
                form.reset();
                notifySuccess('Password changed. Your other sessions were signed out.');
              },
              onError: (err) => {
                if (isApiError(err, 429)) {
                  setFormError(throttleMessage(err.retryAfter));
                  return;
                }
                const rest = applyApiError(form, err);
                // The server names its fields current_password and new_password.
                const fields = err && isApiError(err) ? (err.problem.errors ?? []) : [];
                for (const f of fields) {
                  if (f.location === 'body.current_password') form.setFieldError('current', 'That is not your current password');
                  if (f.location === 'body.new_password') form.setFieldError('next', f.message ?? 'Not accepted');
                }
                setFormError(fields.length ? null : rest);
              },
            },
          );
        })}
      >
        <Stack gap="sm" maw={420}>
          {formError && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {formError}
            </Alert>
          )}
          <PasswordInput label="Current password" autoComplete="current-password" {...form.getInputProps('current')} />
          <PasswordInput label="New password" description="At least 8 characters" autoComplete="new-password" {...form.getInputProps('next')} />
          <PasswordInput label="New password again" autoComplete="new-password" {...form.getInputProps('again')} />
          <Group>
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
