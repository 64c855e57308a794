import { Alert, Anchor, Button, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { startSession } from '../../api/account';
import { api, call } from '../../api/client';
import { isApiError } from '../../api/errors';
import { applyApiError } from '../../components/formErrors';
import { CurrencySelect, TimeZoneSelect } from '../../components/ZonePickers';
import { browserCurrency, browserTimeZone } from '../../lib/locale';
import { required, validateEmail, validatePassword } from '../../lib/validation';
import { AuthLayout } from './AuthLayout';

export function SignupPage() {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { company_name: '', name: '', email: '', password: '', timezone: browserTimeZone(), currency: browserCurrency() },
    validate: {
      company_name: required('Company name'),
      name: required('Your name'),
      email: (v) => validateEmail(v),
      password: validatePassword,
    },
  });

  const signup = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(
        api.POST('/api/auth/signup', {
          body: {
            company_name: v.company_name.trim(),
            name: v.name.trim(),
            email: v.email.trim(),
            password: v.password,
            timezone: v.timezone,
            currency: v.currency,
          },
        }),
      ),
    meta: { authFlow: true },
    onSuccess: (me) => {
      startSession(qc, me);
      navigate('/', { replace: true });
    },
    onError: (err) => {
      if (isApiError(err, 409)) {
        form.setFieldError('email', 'An account with this email already exists. Log in instead.');
        setFormError(null);
        return;
      }
      setFormError(applyApiError(form, err));
    },
  });

  return (
    <AuthLayout
      title="Start your sales workspace"
      subtitle="Create your company account. You can invite your team right after."
      footer={
        <>
          Already have an account?{' '}
          <Anchor component={Link} to="/login" fw={600}>
            Log in
          </Anchor>
        </>
      }
    >
      <form
        noValidate
        onSubmit={form.onSubmit((v) => {
          setFormError(null);
          signup.mutate(v);
        })}
      >
        <Stack gap="md">
          {formError && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {formError}
            </Alert>
          )}
          <TextInput label="Company name" autoComplete="organization" required autoFocus {...form.getInputProps('company_name')} />
          <TextInput label="Your name" autoComplete="name" required {...form.getInputProps('name')} />
          <TextInput label="Work email" type="email" autoComplete="email" required {...form.getInputProps('email')} />
          <PasswordInput
            label="Password"
            description="At least 8 characters"
            autoComplete="new-password"
            required
            {...form.getInputProps('password')}
          />
          <Group grow align="flex-start" gap="sm">
            <TimeZoneSelect label="Time zone" description="For today, overdue and 9:00" {...form.getInputProps('timezone')} />
            <CurrencySelect label="Currency" description="For the dashboard's totals" {...form.getInputProps('currency')} />
          </Group>
          <Button type="submit" fullWidth loading={signup.isPending} mt="xs">
            Create account
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
