import { Alert, Anchor, Badge, Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconLinkOff, IconUserCheck } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { startSession, useJoinInvite } from '../../api/account';
import { api, call } from '../../api/client';
import { errorMessage, isApiError } from '../../api/errors';
import { useMe } from '../../api/queries';
import type { InviteLookup, Me } from '../../api/types';
import { applyApiError } from '../../components/formErrors';
import { EmptyState, ErrorState, PageLoader } from '../../components/States';
import { roleLabel } from '../../lib/format';
import { validatePassword } from '../../lib/validation';
import { AuthLayout } from './AuthLayout';

/**
 * InvitePage is where an invite link lands. Signed out, it creates the
 * invitee's account; someone who already has one signs in first (the link
 * never checks a password) and then joins with one click.
 */
export function InvitePage() {
  const { token = '' } = useParams();
  const me = useMe();
  const lookup = useQuery({
    queryKey: ['invite', token],
    queryFn: () => call(api.GET('/api/auth/invites/{token}', { params: { path: { token } } })),
    retry: false,
    staleTime: Infinity,
  });

  if (lookup.isPending || me.isPending) return <PageLoader label="Checking your invite…" />;
  if (lookup.isError) {
    if (isApiError(lookup.error, 404, 410)) {
      return (
        <AuthLayout title="This invite can’t be used">
          <EmptyState
            icon={<IconLinkOff size={28} />}
            title="Invite link not valid"
            action={
              <Button component={Link} to={me.data ? '/' : '/login'} variant="default">
                {me.data ? 'Go to Sales CRM' : 'Go to login'}
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
  if (me.data) return <JoinAsSignedIn token={token} invite={lookup.data} me={me.data} />;
  return <CreateAccountForm token={token} invite={lookup.data} />;
}

function inviteSubtitle(invite: InviteLookup) {
  return (
    <>
      You were invited as{' '}
      <Badge variant="light" size="sm">
        {roleLabel(invite.role)}
      </Badge>
    </>
  );
}

function JoinAsSignedIn({ token, invite, me }: { token: string; invite: InviteLookup; me: Me }) {
  const navigate = useNavigate();
  const join = useJoinInvite(token);
  const qc = useQueryClient();
  const logout = useMutation({
    mutationFn: () => call(api.POST('/api/auth/logout')),
    meta: { authFlow: true },
    onSuccess: () => {
      qc.clear();
      navigate(`/login?next=${encodeURIComponent(`/invite/${token}`)}`, { replace: true });
    },
  });
  if (me.user.email !== invite.email) {
    return (
      <AuthLayout title={`Join ${invite.company_name}`} subtitle={inviteSubtitle(invite)}>
        <Stack gap="md">
          <Alert color="orange" variant="light" icon={<IconAlertCircle size={18} />}>
            This invite is for <b>{invite.email}</b>, but you are signed in as <b>{me.user.email}</b>. Log out, then sign in (or create the account)
            as {invite.email}.
          </Alert>
          <Group grow>
            <Button variant="default" component={Link} to="/">
              Stay signed in
            </Button>
            <Button onClick={() => logout.mutate()} loading={logout.isPending}>
              Log out and continue
            </Button>
          </Group>
        </Stack>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title={`Join ${invite.company_name}`} subtitle={inviteSubtitle(invite)}>
      <Stack gap="md">
        <Text size="sm">
          You are signed in as <b>{me.user.email}</b>. Joining adds {invite.company_name} to your companies; you can switch between them from the top
          bar.
        </Text>
        {join.isError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {errorMessage(join.error)}
          </Alert>
        )}
        <Button
          leftSection={<IconUserCheck size={18} />}
          loading={join.isPending}
          onClick={() => join.mutate(undefined, { onSuccess: () => navigate('/contacts', { replace: true }) })}
        >
          Join {invite.company_name}
        </Button>
      </Stack>
    </AuthLayout>
  );
}

function CreateAccountForm({ token, invite }: { token: string; invite: InviteLookup }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const [hasAccount, setHasAccount] = useState(false);
  const loginHere = `/login?next=${encodeURIComponent(`/invite/${token}`)}`;
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', password: '' },
    validate: {
      name: (v) => (!v.trim() ? 'Your name is required' : null),
      password: (v) => validatePassword(v),
    },
  });
  const accept = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(api.POST('/api/auth/invites/{token}/accept', { params: { path: { token } }, body: { name: v.name.trim(), password: v.password } })),
    meta: { authFlow: true },
    onSuccess: (me) => {
      startSession(qc, me);
      navigate('/contacts', { replace: true });
    },
    onError: (err) => {
      if (isApiError(err, 409)) {
        setFormError(null);
        setHasAccount(true);
        return;
      }
      setFormError(applyApiError(form, err));
    },
  });

  return (
    <AuthLayout
      title={`Join ${invite.company_name}`}
      subtitle={inviteSubtitle(invite)}
      footer={
        <>
          Already have a Sales CRM account as {invite.email}?{' '}
          <Anchor component={Link} to={loginHere} fw={600}>
            Log in to accept
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
          {hasAccount && (
            <Alert color="brand" variant="light" icon={<IconUserCheck size={18} />} role="alert">
              {invite.email} already has an account.{' '}
              <Anchor component={Link} to={loginHere} fw={600}>
                Log in with it
              </Anchor>{' '}
              and this invite will be waiting.
            </Alert>
          )}
          <TextInput label="Email" value={invite.email} readOnly variant="filled" />
          <TextInput label="Your name" autoComplete="name" required autoFocus {...form.getInputProps('name')} />
          <PasswordInput
            label="Choose a password"
            description="At least 8 characters"
            autoComplete="new-password"
            required
            {...form.getInputProps('password')}
          />
          <Group grow mt="xs">
            <Button type="submit" loading={accept.isPending}>
              Create account and join
            </Button>
          </Group>
        </Stack>
      </form>
    </AuthLayout>
  );
}
