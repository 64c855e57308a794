import { Avatar, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconLogout, IconSettings, IconShieldLock } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, call } from '../api/client';
import { keys } from '../api/queries';
import { initials, roleLabel } from '../lib/format';
import { notifyError } from './notify';
import { useSession } from './session';

/** UserMenu shows who is signed in, with settings and sign-out. */
export function UserMenu() {
  const me = useSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const logout = useMutation({
    mutationFn: () => call(api.POST('/api/auth/logout')),
    meta: { authFlow: true },
    onSuccess: () => {
      qc.clear();
      qc.setQueryData(keys.me, null);
      navigate('/login', { replace: true });
    },
    onError: (err) => notifyError(err, 'Could not sign out'),
  });
  const name = me.user.name || me.user.email;
  return (
    <Menu position="bottom-end" width={240} shadow="md" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={`Account menu for ${name}`} data-testid="user-menu" style={{ borderRadius: 'var(--mantine-radius-md)' }} p={4}>
          <Group gap={8} wrap="nowrap">
            <Avatar color="brand" radius="xl" size={32}>
              {initials(name)}
            </Avatar>
            <Text size="sm" fw={550} visibleFrom="md" maw={160} className="crm-truncate">
              {name}
            </Text>
            <IconChevronDown size={14} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="var(--mantine-color-text)" className="crm-truncate">
            {me.user.name}
          </Text>
          <Text size="xs" c="dimmed" className="crm-truncate">
            {me.user.email}
          </Text>
          <Text size="xs" c="dimmed">
            {roleLabel(me.role)} at {me.company.name}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item leftSection={<IconShieldLock size={16} />} onClick={() => navigate('/account')}>
          Account & security
        </Menu.Item>
        <Menu.Item leftSection={<IconSettings size={16} />} onClick={() => navigate('/settings')}>
          Settings
        </Menu.Item>
        <Menu.Item leftSection={<IconLogout size={16} />} color="red" onClick={() => logout.mutate()} disabled={logout.isPending}>
          Log out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
