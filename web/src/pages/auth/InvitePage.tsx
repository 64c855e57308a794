import { Alert, Anchor, Badge, Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconLinkOff } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { isApiError } from '../../api/errors';
import { keys } from '../../api/queries';
import { applyApiError } from '../../components/formErrors';
import { EmptyState, ErrorState, PageLoader } from '../../components/States';
import { roleLabel } from '../../lib/format';
import { validatePassword } from '../../lib/validation';
import { AuthLayout } from './AuthLayout';

export function InvitePage() {
  const { token = '' } = useParams();
  const lookup = useQuery({
    queryKey: ['invite', token],
    queryFn: () => call(api.GET('/api/auth/invites/{token}', { params: { path: { token } } })),
    retry: false,
    staleTime: Infinity,
  });

  if (lookup.isPending) return <PageLoader label="Checking your invite…" />;
  if (lookup.isError) {
    if (isApiError(lookup.error, 404, 410)) {
      return (
        <AuthLayout title="This invite can’t be used">
          <EmptyState
            icon={<IconLinkOff size={28} />}
            title="Invite link not valid"
            action={
              <Button component={Link} to="/login" variant="default">
                Go to login
              </Button>
            }
          >
            The link may have expired, been replaced with a newer one, or already been used. Ask the person who invited you for a new link.
          </EmptyState>
        </AuthLayout>
      );
    }
    return (
      <AuthLayout title="Join your team">
        <ErrorState error={lookup.error} onRetry={() => lookup.refetch()} />
      </AuthLayout>
    );
  }
  return <AcceptForm token={token} invite={lookup.data} />;
}

function AcceptForm({ token, invite }: { token: string; invite: { company_name: string; email: string; role: string; existing_user: boolean } }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', password: '' },
    validate: {
      name: (v) => (!invite.existing_user && !v.trim() ? 'Your name is required' : null),
      password: (v) => (invite.existing_user ? (v ? null : 'Password is required') : validatePassword(v)),
    },
  });
  const accept = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(api.POST('/api/auth/invites/{token}/accept', { params: { path: { token } }, body: { name: v.name.trim(), password: v.password } })),
    meta: { authFlow: true },
    onSuccess: (me) => {
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.me[0] });
      qc.setQueryData(keys.me, me);
      navigate('/contacts', { replace: true });
    },
    onError: (err) => {
      if (isApiError(err, 401)) {
        form.setFieldError('password', 'That is not the password of this account.');
        setFormError(null);
        return;
      }
      setFormError(applyApiError(form, err));
    },
  });

  return (
    <AuthLayout
      title={`Join ${invite.company_name}`}
      subtitle={
        <>
          You were invited as{' '}
          <Badge variant="light" size="sm">
            {roleLabel(invite.role)}
          </Badge>
        </>
      }
      footer={
        <>
          Not you?{' '}
          <Anchor component={Link} to="/login">
            Log in with another account
          </Anchor>
        </>
      }
    >
      <form
        noValidate
        onSubmit={form.onSubmit((v) => {
          setFormError(null);
          accept.mutate(v);
        })}
      >
        <Stack gap="md">
          {formError && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {formError}
            </Alert>
          )}
          <TextInput label="Email" value={invite.email} readOnly variant="filled" />
          {invite.existing_user ? (
            <>
              <Text size="sm" c="dimmed">
                You already have a Sales CRM account. Enter its password to add {invite.company_name} to it.
              </Text>
              <PasswordInput label="Your current password" autoComplete="current-password" required autoFocus {...form.getInputProps('password')} />
            </>
          ) : (
            <>
              <TextInput label="Your name" autoComplete="name" required autoFocus {...form.getInputProps('name')} />
              <PasswordInput
                label="Choose a password"
                description="At least 8 characters"
                autoComplete="new-password"
                required
                {...form.getInputProps('password')}
              />
            </>
          )}
          <Group grow mt="xs">
            <Button type="submit" loading={accept.isPending}>
              Accept invite
            </Button>
          </Group>
        </Stack>
      </form>
    </AuthLayout>
  );
}
