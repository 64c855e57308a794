import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconClockHour4 } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../../api/client';
import { isApiError, throttleMessage } from '../../api/errors';
import { keys } from '../../api/queries';
import { applyApiError } from '../../components/formErrors';
import { safeNext } from '../../lib/nav';
import { validateEmail } from '../../lib/validation';
import { AuthLayout } from './AuthLayout';
import { useCountdown } from './useCountdown';

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const [sessionEnded] = useState(() => {
    const ended = sessionStorage.getItem('crm:session-ended') === '1';
    sessionStorage.removeItem('crm:session-ended');
    return ended;
  });
  const throttle = useCountdown();
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => validateEmail(v),
      password: (v) => (v ? null : 'Password is required'),
    },
  });

  const login = useMutation({
    mutationFn: (body: typeof form.values) => call(api.POST('/api/auth/login', { body: { ...body, email: body.email.trim() } })),
    meta: { authFlow: true },
    onSuccess: (me) => {
      qc.setQueryData(keys.me, me);
      navigate(safeNext(params.get('next')), { replace: true });
    },
    onError: (err) => {
      if (isApiError(err, 401)) {
        setFormError('Wrong email or password.');
      } else if (isApiError(err, 429)) {
        setFormError(null);
        throttle.start(err.retryAfter ?? 30);
      } else {
        setFormError(applyApiError(form, err));
      }
    },
  });

  const throttled = throttle.secondsLeft > 0;
  return (
    <AuthLayout
      title="Welcome back"
      subtitle="Log in to your Sales CRM workspace."
      footer={
        <>
          New here?{' '}
          <Anchor component={Link} to="/signup" fw={600}>
            Create a company account
          </Anchor>
        </>
      }
    >
      <form
        onSubmit={form.onSubmit((values) => {
          setFormError(null);
          login.mutate(values);
        })}
        noValidate
      >
        <Stack gap="md">
          {sessionEnded && !formError && !throttled && (
            <Alert color="yellow" variant="light" icon={<IconClockHour4 size={18} />}>
              Your session ended. Please log in again.
            </Alert>
          )}
          {formError && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {formError}
            </Alert>
          )}
          {throttled && (
            <Alert color="orange" variant="light" icon={<IconClockHour4 size={18} />} role="alert">
              {throttleMessage(throttle.secondsLeft)}
            </Alert>
          )}
          <TextInput label="Email" type="email" autoComplete="email" required data-autofocus autoFocus {...form.getInputProps('email')} />
          <PasswordInput label="Password" autoComplete="current-password" required {...form.getInputProps('password')} />
          <Button type="submit" fullWidth loading={login.isPending} disabled={throttled} mt="xs">
            Log in
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
