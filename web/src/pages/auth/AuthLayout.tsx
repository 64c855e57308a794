import { Anchor, Box, Center, Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconChartBar } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ColorSchemeToggle } from '../../components/ColorSchemeToggle';

/** AuthLayout frames the sign-up, login and invite pages. */
export function AuthLayout({ title, subtitle, children, footer }: { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <Box className="crm-auth-bg">
      <Group justify="space-between" p="md">
        <Anchor href="/" underline="never" c="inherit" aria-label="Sales CRM">
          <Group gap={8}>
            <ThemeIcon size={30} radius="md">
              <IconChartBar size={18} />
            </ThemeIcon>
            <Text fw={700}>Sales CRM</Text>
          </Group>
        </Anchor>
        <ColorSchemeToggle />
      </Group>
      <Center px="md" pb={48} pt={{ base: 8, sm: 32 }}>
        <Stack w="100%" maw={420} gap="lg">
          <Box ta="center">
            <Title order={1}>{title}</Title>
            {subtitle && (
              <Text c="dimmed" size="sm" mt={6}>
                {subtitle}
              </Text>
            )}
          </Box>
          <Paper component="main" p={{ base: 'lg', sm: 'xl' }} shadow="sm">
            {children}
          </Paper>
          {footer && (
            <Text ta="center" size="sm" c="dimmed">
              {footer}
            </Text>
          )}
        </Stack>
      </Center>
    </Box>
  );
}
