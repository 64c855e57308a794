import { AppShell, Badge, Box, Burger, Divider, Group, NavLink, ScrollArea, Text, ThemeIcon } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconAddressBook,
  IconChartBar,
  IconChecklist,
  IconLayoutDashboard,
  IconMessages,
  IconPhone,
  IconReportMoney,
  IconSettings,
  IconShieldCheck,
  IconTrash,
} from '@tabler/icons-react';
import { Suspense } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { useUnreadCount } from '../api/phone';
import { isAdmin } from '../api/queries';
import { ColorSchemeToggle } from './ColorSchemeToggle';
import { CompanySwitcher } from './CompanySwitcher';
import { GlobalSearch, SearchButton } from './GlobalSearch';
import { PageLoader } from './States';
import { UserMenu } from './UserMenu';
import { useSession } from './session';

function Logo() {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={30} radius="md" variant="filled">
        <IconChartBar size={18} />
      </ThemeIcon>
      <Text fw={700} size="md" visibleFrom="xs">
        Sales CRM
      </Text>
    </Group>
  );
}

/** AppLayout is the signed-in shell: header with search and account, sidebar with the pages that exist. */
export function AppLayout() {
  const me = useSession();
  const [opened, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
  const unread = useUnreadCount();
  const nav: { to: string; label: string; icon: typeof IconPhone; badge?: number }[] = [
    { to: '/', label: 'Dashboard', icon: IconLayoutDashboard },
    { to: '/contacts', label: 'Contacts', icon: IconAddressBook },
    { to: '/deals', label: 'Deals', icon: IconReportMoney },
    { to: '/activities', label: 'Activities', icon: IconChecklist },
    { to: '/sms', label: 'SMS', icon: IconMessages, badge: unread.data ?? 0 },
    { to: '/calls', label: 'Calls', icon: IconPhone },
    ...(isAdmin(me.role) ? [{ to: '/trash', label: 'Trash', icon: IconTrash }] : []),
    { to: '/settings', label: 'Settings', icon: IconSettings },
    ...(me.user.is_platform_admin ? [{ to: '/admin', label: 'Admin', icon: IconShieldCheck }] : []),
  ];

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding={{ base: 'sm', sm: 'lg' }}>
      <a href="#main" className="crm-skip-link">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px={{ base: 'sm', sm: 'md' }} gap="sm" wrap="nowrap" justify="space-between">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} />
            <Link to="/" aria-label="Sales CRM home" style={{ color: 'inherit', textDecoration: 'none' }}>
              <Logo />
            </Link>
          </Group>
          <Box style={{ flex: 1, display: 'flex', justifyContent: 'center' }} miw={0}>
            <SearchButton />
          </Box>
          <Group gap={8} wrap="nowrap">
            <ColorSchemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <AppShell.Section>
          <CompanySwitcher onSwitched={close} />
        </AppShell.Section>
        <Divider my="sm" />
        <AppShell.Section grow component={ScrollArea}>
          <nav>
            {nav.map((item) => (
              <NavLink
                key={item.to}
                component={Link}
                to={item.to}
                label={item.label}
                leftSection={<item.icon size={18} stroke={1.7} />}
                rightSection={
                  item.badge ? (
                    <Badge size="sm" circle={item.badge < 10} aria-label={`${item.badge} unread`} data-testid="nav-unread">
                      {item.badge > 99 ? '99+' : item.badge}
                    </Badge>
                  ) : undefined
                }
                active={item.to === '/' ? pathname === '/' : pathname === item.to || pathname.startsWith(item.to + '/')}
                onClick={close}
                className="crm-nav-link"
                variant="light"
                style={{ borderRadius: 'var(--mantine-radius-md)' }}
                mb={2}
              />
            ))}
          </nav>
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" px="xs" className="crm-truncate" title={me.user.email}>
            Signed in as {me.user.email}
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main id="main" tabIndex={-1} style={{ outline: 'none' }}>
        <Box maw={1200} mx="auto">
          <Suspense fallback={<PageLoader />}>
            <Outlet />
          </Suspense>
        </Box>
      </AppShell.Main>
      <GlobalSearch showAdmin={me.user.is_platform_admin} />
    </AppShell>
  );
}
