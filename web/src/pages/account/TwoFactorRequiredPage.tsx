import { Alert, Button, Stack, Text } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, call } from '../../api/client';
import { keys } from '../../api/queries';
import type { Me } from '../../api/types';
import { AuthLayout } from '../auth/AuthLayout';
import { TwoFactorSetup } from './TwoFactorSetup';

/**
 * TwoFactorRequiredPage is all a person sees when their company requires
 * two-step sign-in and they have not turned it on: the server refuses
 * everything else until they do.
 */
export function TwoFactorRequiredPage({ me }: { me: Me }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const logout = useMutation({
    mutationFn: () => call(api.POST('/api/auth/logout')),
    meta: { authFlow: true },
    onSuccess: () => {
      qc.clear();
      qc.setQueryData(keys.me, null);
      navigate('/login', { replace: true });
    },
  });
  return (
    <AuthLayout title="Turn on two-step sign-in" subtitle={`${me.company.name} requires it for everyone`}>
      <Stack gap="md">
        <Alert variant="light" color="brand" icon={<IconShieldLock size={18} />}>
          <Text size="sm">
            Signed in as <b>{me.user.email}</b>. Once it is on, you will be taken into {me.company.name}.
          </Text>
        </Alert>
        <TwoFactorSetup onDone={() => qc.invalidateQueries({ queryKey: keys.me })} />
        <Button variant="subtle" size="compact-sm" onClick={() => logout.mutate()} loading={logout.isPending}>
          Log out
        </Button>
      </Stack>
    </AuthLayout>
  );
}
