import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconClockHour4, IconShieldLock } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { startSession } from '../../api/account';
import { api, call } from '../../api/client';
import { isApiError, throttleMessage } from '../../api/errors';
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
  // The account uses two-step sign-in: the server asked for the code.
  const [needsCode, setNeedsCode] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '', password: '', code: '' },
    validate: {
      email: (v) => validateEmail(v),
      password: (v) => (v ? null : 'Password is required'),
      code: (v) => (needsCode && !v.trim() ? 'Enter the code from your authenticator app' : null),
    },
  });

  const login = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(api.POST('/api/auth/login', { body: { email: v.email.trim(), password: v.password, code: needsCode ? v.code.trim() : undefined } })),
    meta: { authFlow: true },
    onSuccess: (me) => {
      startSession(qc, me);
      navigate(safeNext(params.get('next')), { replace: true });
    },
    onError: (err) => {
      const codeProblem = isApiError(err, 401) && (err.problem.errors ?? []).some((e) => e.location === 'body.code');
      if (codeProblem && !needsCode) {
        setFormError(null);
        setNeedsCode(true);
      } else if (codeProblem) {
        setFormError(null);
        form.setFieldError('code', 'That code is not right. Use the current code, or an unused recovery code.');
      } else if (isApiError(err, 401)) {
        setNeedsCode(false);
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
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            required
            data-autofocus
            autoFocus
            readOnly={needsCode}
            {...form.getInputProps('email')}
          />
          <PasswordInput label="Password" autoComplete="current-password" required readOnly={needsCode} {...form.getInputProps('password')} />
          {needsCode && (
            <>
              <Alert color="brand" variant="light" icon={<IconShieldLock size={18} />}>
                This account uses two-step sign-in. Enter the 6-digit code from your authenticator app, or one of your recovery codes.
              </Alert>
              <TextInput
                label="Code"
                autoComplete="one-time-code"
                inputMode="text"
                autoFocus
                maxLength={20}
                placeholder="123456"
                {...form.getInputProps('code')}
              />
            </>
          )}
          <Button type="submit" fullWidth loading={login.isPending} disabled={throttled} mt="xs">
            {needsCode ? 'Verify and log in' : 'Log in'}
          </Button>
          {needsCode && (
            <Button
              variant="subtle"
              size="compact-sm"
              onClick={() => {
                setNeedsCode(false);
                form.setValues({ password: '', code: '' });
              }}
            >
              Use another account
            </Button>
          )}
        </Stack>
      </form>
    </AuthLayout>
  );
}
