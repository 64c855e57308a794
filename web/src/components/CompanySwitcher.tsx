import { Badge, Box, Group, Menu, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { IconBuilding, IconCheck, IconSelector } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, call } from '../api/client';
import { keys } from '../api/queries';
import { roleLabel } from '../lib/format';
import { notifyError, notifySuccess } from './notify';
import { useSession } from './session';

/** CompanySwitcher shows the current company and, for people in several, switches between them. */
export function CompanySwitcher({ onSwitched }: { onSwitched?: () => void }) {
  const me = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const companies = me.companies ?? [];
  const switchTo = useMutation({
    mutationFn: (company_id: string) => call(api.POST('/api/auth/switch-company', { body: { company_id } })),
    onSuccess: (next) => {
      // Nothing from the previous company may linger in the cache.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.me[0] });
      qc.setQueryData(keys.me, next);
      navigate('/contacts');
      onSwitched?.();
      notifySuccess(`You are now working in ${next.company.name}.`);
    },
    onError: (err) => notifyError(err, 'Could not switch company'),
  });

  const label = (
    <Group gap="sm" wrap="nowrap" miw={0}>
      <ThemeIcon variant="light" size={36} radius="md">
        <IconBuilding size={20} />
      </ThemeIcon>
      <Box miw={0} style={{ flex: 1 }}>
        <Text size="sm" fw={650} className="crm-truncate" data-testid="company-name">
          {me.company.name}
        </Text>
        <Text size="xs" c="dimmed">
          {roleLabel(me.role)}
        </Text>
      </Box>
      {companies.length > 1 && <IconSelector size={16} />}
    </Group>
  );

  if (companies.length <= 1) {
    return <Box p={6}>{label}</Box>;
  }

  return (
    <Menu position="bottom-start" width="target" shadow="md">
      <Menu.Target>
        <UnstyledButton
          aria-label={`Company: ${me.company.name}. Switch company`}
          p={6}
          w="100%"
          style={{ borderRadius: 'var(--mantine-radius-md)' }}
          disabled={switchTo.isPending}
        >
          {label}
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Switch company</Menu.Label>
        {companies.map((c) => (
          <Menu.Item
            key={c.id}
            onClick={() => c.id !== me.company.id && switchTo.mutate(c.id)}
            rightSection={
              c.id === me.company.id ? (
                <IconCheck size={14} />
              ) : (
                <Badge size="xs" variant="light">
                  {roleLabel(c.role)}
                </Badge>
              )
            }
          >
            <Text size="sm" className="crm-truncate">
              {c.name}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
