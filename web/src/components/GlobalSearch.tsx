import { Avatar, Group, Kbd, Loader, Text, UnstyledButton } from '@mantine/core';
import { useDebouncedValue, useOs } from '@mantine/hooks';
import { Spotlight, spotlight } from '@mantine/spotlight';
import { IconLayoutDashboard, IconReportMoney, IconSearch, IconSettings, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useContactSearch } from '../api/queries';
import { formatPhone, fullName, initials } from '../lib/format';

/** SearchButton looks like a search field and opens the global search (also ⌘K / Ctrl+K or "/"). */
export function SearchButton() {
  const os = useOs();
  const mod = os === 'macos' || os === 'ios' ? '⌘' : 'Ctrl';
  return (
    <UnstyledButton
      onClick={() => spotlight.open()}
      aria-label="Search contacts"
      data-testid="global-search"
      style={{
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 'var(--mantine-radius-md)',
        background: 'var(--mantine-color-default)',
        height: 36,
        padding: '0 10px',
        width: '100%',
        maxWidth: 420,
      }}
    >
      <Group gap={8} wrap="nowrap" justify="space-between">
        <Group gap={8} wrap="nowrap" miw={0}>
          <IconSearch size={16} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0 }} />
          <Text size="sm" c="dimmed" className="crm-truncate">
            Search
            <Text span inherit visibleFrom="xs">
              {' '}
              contacts
            </Text>
            …
          </Text>
        </Group>
        <Group gap={2} visibleFrom="sm" wrap="nowrap">
          <Kbd size="xs">{mod}</Kbd>
          <Kbd size="xs">K</Kbd>
        </Group>
      </Group>
    </UnstyledButton>
  );
}

/** GlobalSearch is the spotlight that finds contacts by name, email, phone or company. */
export function GlobalSearch({ showAdmin }: { showAdmin: boolean }) {
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query, 200);
  const navigate = useNavigate();
  const results = useContactSearch(debounced);
  const term = query.trim();
  const pages = [
    { label: 'Dashboard', to: '/', icon: <IconLayoutDashboard size={18} /> },
    { label: 'Contacts', to: '/contacts', icon: <IconUsers size={18} /> },
    { label: 'Deals', to: '/deals', icon: <IconReportMoney size={18} /> },
    { label: 'Settings', to: '/settings', icon: <IconSettings size={18} /> },
    ...(showAdmin ? [{ label: 'Admin: tenancy audit', to: '/admin', icon: <IconSettings size={18} /> }] : []),
  ].filter((p) => term === '' || p.label.toLowerCase().includes(term.toLowerCase()));
  const contacts = term ? (results.data ?? []) : [];

  return (
    <Spotlight.Root query={query} onQueryChange={setQuery} shortcut={['mod + K', '/']} scrollable maxHeight={420}>
      <Spotlight.Search
        placeholder="Search contacts by name, email, phone or company…"
        leftSection={results.isFetching ? <Loader size={16} /> : <IconSearch size={18} />}
        aria-label="Search contacts"
      />
      <Spotlight.ActionsList aria-label="Search results">
        {contacts.length > 0 && (
          <Spotlight.ActionsGroup label="Contacts">
            {contacts.map((c) => (
              <Spotlight.Action key={c.id} onClick={() => navigate(`/contacts/${c.id}`)}>
                <Group wrap="nowrap" w="100%" gap="sm">
                  <Avatar size={32} radius="xl" color="brand">
                    {initials(fullName(c))}
                  </Avatar>
                  <div style={{ minWidth: 0, flex: 1 }}>
                    <Text size="sm" fw={550} className="crm-truncate">
                      {fullName(c)}
                    </Text>
                    <Text size="xs" c="dimmed" className="crm-truncate">
                      {[c.title, c.company_name, c.email, formatPhone(c.phone)].filter(Boolean).join(' · ') || 'No details yet'}
                    </Text>
                  </div>
                </Group>
              </Spotlight.Action>
            ))}
          </Spotlight.ActionsGroup>
        )}
        {pages.length > 0 && (
          <Spotlight.ActionsGroup label="Go to">
            {pages.map((p) => (
              <Spotlight.Action key={p.to} leftSection={p.icon} label={p.label} onClick={() => navigate(p.to)} />
            ))}
          </Spotlight.ActionsGroup>
        )}
        {term !== '' && contacts.length === 0 && pages.length === 0 && (
          <Spotlight.Empty>{results.isFetching || debounced !== query ? 'Searching…' : `No contacts match “${term}”.`}</Spotlight.Empty>
        )}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  );
}
