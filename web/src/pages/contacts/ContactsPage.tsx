import {
  ActionIcon,
  Anchor,
  Avatar,
  Badge,
  Box,
  Button,
  Checkbox,
  CloseButton,
  Collapse,
  Group,
  Menu,
  Paper,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDebouncedCallback, useDisclosure, useIntersection, useMediaQuery } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import {
  IconAddressBook,
  IconChevronDown,
  IconCopy,
  IconDownload,
  IconFileImport,
  IconFilterOff,
  IconPlus,
  IconSearch,
  IconTag,
  IconTrash,
  IconX,
} from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../../api/client';
import { contactsExportUrl } from '../../api/imports';
import { isAdmin, useContactList, useTags } from '../../api/queries';
import { refreshAfterTrash } from '../../api/trash';
import type { Contact, ContactSort, SortOrder } from '../../api/types';
import { FilterToggle } from '../../components/FilterBar';
import { notifyError } from '../../components/notify';
import { useUndoDelete } from '../../components/undoDelete';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/States';
import { useSession } from '../../components/session';
import { formatPhone, formatRelative, fullName, initials, plural } from '../../lib/format';
import { BulkTagModal } from './BulkTagModal';
import { ContactFormModal, useOwnerOptions } from './ContactFormModal';

const SORTS: { value: string; label: string }[] = [
  { value: 'updated_at.desc', label: 'Recently updated' },
  { value: 'created_at.desc', label: 'Newest first' },
  { value: 'created_at.asc', label: 'Oldest first' },
  { value: 'name.asc', label: 'Name A–Z' },
  { value: 'name.desc', label: 'Name Z–A' },
  { value: 'updated_at.asc', label: 'Least recently updated' },
];
const DEFAULT_SORT = 'updated_at.desc';

function parseSort(v: string | null): { sort: ContactSort; order: SortOrder } {
  const found = SORTS.find((s) => s.value === v)?.value ?? DEFAULT_SORT;
  const [sort, order] = found.split('.') as [ContactSort, SortOrder];
  return { sort, order };
}

export function ContactsPage() {
  const me = useSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const tag = params.get('tag') ?? '';
  const owner = params.get('owner') ?? '';
  const sortValue = params.get('sort') ?? DEFAULT_SORT;
  const { sort, order } = parseSort(sortValue);
  const [search, setSearch] = useState(q);
  const [createOpened, createModal] = useDisclosure(false);
  const [tagOpened, tagModal] = useDisclosure(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const isPhone = useMediaQuery('(max-width: 36em)', false, { getInitialValueInEffect: false });
  const [filtersOpen, filters] = useDisclosure(false);

  const setParam = (key: string, value: string | null) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  };
  const pushSearch = useDebouncedCallback((v: string) => setParam('q', v.trim() || null), 250);

  const query = useMemo(
    () => ({ q: q || undefined, tag: tag || undefined, owner_id: owner || undefined, sort, order }),
    [q, tag, owner, sort, order],
  );
  const list = useContactList(query);
  const exportUrl = contactsExportUrl(query);
  const tags = useTags();
  const owners = useOwnerOptions();
  const contacts = useMemo(() => list.data?.pages.flatMap((p) => p.items ?? []) ?? [], [list.data]);
  const filtered = Boolean(q || tag || owner);
  const activeFilters = [tag, owner].filter(Boolean).length + (sortValue !== DEFAULT_SORT ? 1 : 0);
  const ownerName = useMemo(() => {
    const m = new Map(owners.users.map((u) => [u.id, u.name || u.email]));
    return (id: string | null | undefined) => (id ? (id === me.user.id ? 'You' : (m.get(id) ?? '—')) : '—');
  }, [owners.users, me.user.id]);

  // Selection only ever holds contacts that are on screen.
  const visibleIds = useMemo(() => new Set(contacts.map((c) => c.id)), [contacts]);
  const selectedIds = [...selected].filter((id) => visibleIds.has(id));
  const allSelected = contacts.length > 0 && selectedIds.length === contacts.length;

  // Load the next page when the end of the list scrolls into view.
  const { ref: sentinel, entry } = useIntersection({ rootMargin: '400px' });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    if (entry?.isIntersecting && hasNextPage && !isFetchingNextPage) fetchNextPage();
  }, [entry?.isIntersecting, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const undoDelete = useUndoDelete();
  const bulkDelete = useMutation({
    mutationFn: (ids: string[]) => call(api.POST('/api/contacts/bulk-delete', { body: { ids } })).then((res) => ({ ...res, ids })),
    onSuccess: (res) => {
      setSelected(new Set());
      refreshAfterTrash(qc);
      undoDelete('contact', res.ids, `Deleted ${plural(res.deleted, 'contact')}.`);
    },
    onError: (err) => notifyError(err, 'Could not delete contacts'),
  });

  const confirmBulkDelete = () =>
    modals.openConfirmModal({
      title: `Delete ${plural(selectedIds.length, 'contact')}?`,
      children: (
        <Text size="sm">
          The selected contacts leave every list in {me.company.name}, with their activities, texts and calls. They stay in the trash for 30 days,
          where admins can restore them.
        </Text>
      ),
      labels: { confirm: 'Delete', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => bulkDelete.mutate(selectedIds),
    });

  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const clearFilters = () => {
    setSearch('');
    setParams(new URLSearchParams(sortValue !== DEFAULT_SORT ? { sort: sortValue } : {}), { replace: true });
  };

  const total = contacts.length;
  const countLabel = list.isSuccess ? (hasNextPage ? `${total}+ contacts` : plural(total, 'contact')) : ' ';

  const filterControls = (
    <>
      <Select
        aria-label="Filter by tag"
        placeholder="Any tag"
        leftSection={<IconTag size={16} />}
        data={(tags.data ?? []).map((t) => ({ value: t.tag, label: `${t.tag} (${t.contacts})` }))}
        value={tag || null}
        onChange={(v) => setParam('tag', v)}
        clearable
        searchable
        nothingFoundMessage="No tags yet"
        w={{ base: '100%', xs: 180 }}
      />
      {!owners.isError && (
        <Select
          aria-label="Filter by owner"
          placeholder="Any owner"
          data={owners.options}
          value={owner || null}
          onChange={(v) => setParam('owner', v)}
          clearable
          searchable
          w={{ base: '100%', xs: 190 }}
        />
      )}
      <Select
        aria-label="Sort contacts"
        data={SORTS}
        value={sortValue}
        onChange={(v) => setParam('sort', v && v !== DEFAULT_SORT ? v : null)}
        allowDeselect={false}
        w={{ base: '100%', xs: 200 }}
      />
    </>
  );

  return (
    <>
      <PageHeader
        title="Contacts"
        description={filtered ? `${countLabel} match your filters` : countLabel}
        actions={
          <>
            {isPhone ? (
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <Button variant="default" rightSection={<IconChevronDown size={14} />}>
                    More
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item component={Link} to="/import?kind=contacts" leftSection={<IconFileImport size={14} />}>
                    Import CSV
                  </Menu.Item>
                  <Menu.Item component="a" href={exportUrl} download leftSection={<IconDownload size={14} />}>
                    Export CSV
                  </Menu.Item>
                  <Menu.Item component={Link} to="/contacts/duplicates" leftSection={<IconCopy size={14} />}>
                    Find duplicates
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            ) : (
              <>
                <Button component={Link} to="/import?kind=contacts" variant="default" leftSection={<IconFileImport size={16} />}>
                  Import
                </Button>
                <Tooltip label={filtered ? 'The contacts matching your filters, as CSV' : 'All contacts, as CSV'}>
                  <Button component="a" href={exportUrl} download variant="default" leftSection={<IconDownload size={16} />}>
                    Export CSV
                  </Button>
                </Tooltip>
                <Button component={Link} to="/contacts/duplicates" variant="default" leftSection={<IconCopy size={16} />}>
                  Find duplicates
                </Button>
              </>
            )}
            <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
              New contact
            </Button>
          </>
        }
      />

      <Paper p="sm" mb="md">
        <Group gap="sm" wrap={isPhone ? 'nowrap' : 'wrap'} align="flex-end">
          <TextInput
            aria-label="Search contacts"
            placeholder="Search name, email, phone, company…"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(e) => {
              setSearch(e.currentTarget.value);
              pushSearch(e.currentTarget.value);
            }}
            rightSection={
              search ? (
                <CloseButton
                  size="sm"
                  aria-label="Clear search"
                  onClick={() => {
                    setSearch('');
                    setParam('q', null);
                  }}
                />
              ) : null
            }
            style={{ flex: '1 1 260px' }}
          />
          {isPhone ? (
            <FilterToggle activeCount={activeFilters} open={filtersOpen} onToggle={filters.toggle} label="Filters and sorting" />
          ) : (
            filterControls
          )}
        </Group>
        {isPhone && (
          <Collapse expanded={filtersOpen}>
            <Stack gap="sm" mt="sm">
              {filterControls}
            </Stack>
          </Collapse>
        )}
      </Paper>

      {selectedIds.length > 0 && (
        <Paper p="xs" px="sm" mb="sm" className="crm-bulk-bar" shadow="sm" bg="var(--mantine-color-brand-light)" aria-live="polite">
          <Group justify="space-between" gap="xs" wrap="wrap">
            <Text size="sm" fw={600}>
              {plural(selectedIds.length, 'contact')} selected
            </Text>
            <Group gap="xs">
              <Button size="xs" variant="default" leftSection={<IconTag size={14} />} onClick={tagModal.open}>
                Tag
              </Button>
              {/* Deleting many at once is for admins (the server answers 403 to members). */}
              {isAdmin(me.role) && (
                <Button
                  size="xs"
                  color="red"
                  variant="light"
                  leftSection={<IconTrash size={14} />}
                  onClick={confirmBulkDelete}
                  loading={bulkDelete.isPending}
                >
                  Delete
                </Button>
              )}
              <Tooltip label="Clear selection">
                <ActionIcon variant="subtle" color="gray" onClick={() => setSelected(new Set())} aria-label="Clear selection">
                  <IconX size={16} />
                </ActionIcon>
              </Tooltip>
            </Group>
          </Group>
        </Paper>
      )}

      {list.isPending ? (
        <ListSkeleton />
      ) : list.isError ? (
        <Paper>
          <ErrorState error={list.error} onRetry={() => list.refetch()} title="Couldn't load contacts" />
        </Paper>
      ) : contacts.length === 0 ? (
        <Paper>
          {filtered ? (
            <EmptyState
              icon={<IconFilterOff size={28} />}
              title="No contacts match"
              action={
                <Button variant="default" onClick={clearFilters}>
                  Clear filters
                </Button>
              }
            >
              Try a shorter search, another tag or owner — or clear the filters to see everyone.
            </EmptyState>
          ) : (
            <EmptyState
              icon={<IconAddressBook size={28} />}
              title="No contacts yet"
              action={
                <>
                  <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
                    Add your first contact
                  </Button>
                  <Button component={Link} to="/import?kind=contacts" variant="default" leftSection={<IconFileImport size={16} />}>
                    Import a CSV file
                  </Button>
                </>
              }
            >
              Contacts are the people you sell to. Add one by hand, import a spreadsheet, or connect your tools with an API token from Settings.
            </EmptyState>
          )}
        </Paper>
      ) : (
        <Paper style={{ overflow: 'hidden' }}>
          <Table.ScrollContainer minWidth={0}>
            <Table
              className="crm-table"
              highlightOnHover
              verticalSpacing="sm"
              horizontalSpacing="md"
              style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label={allSelected ? 'Deselect all contacts' : 'Select all contacts'}
                      checked={allSelected}
                      indeterminate={selectedIds.length > 0 && !allSelected}
                      onChange={() => setSelected(allSelected ? new Set() : new Set(contacts.map((c) => c.id)))}
                    />
                  </Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th visibleFrom="md">Email</Table.Th>
                  <Table.Th visibleFrom="lg">Phone</Table.Th>
                  <Table.Th visibleFrom="sm" miw={130}>
                    Tags
                  </Table.Th>
                  <Table.Th visibleFrom="lg">Owner</Table.Th>
                  <Table.Th visibleFrom="sm" ta="right">
                    Updated
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {contacts.map((c) => (
                  <ContactRow
                    key={c.id}
                    contact={c}
                    selected={selected.has(c.id)}
                    onToggle={() => toggle(c.id)}
                    onOpen={() => navigate(`/contacts/${c.id}`)}
                    ownerName={ownerName(c.owner_id)}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Box ref={sentinel} />
          {hasNextPage && (
            <Group justify="center" p="md">
              <Button variant="default" onClick={() => fetchNextPage()} loading={isFetchingNextPage}>
                Load more
              </Button>
            </Group>
          )}
        </Paper>
      )}

      <ContactFormModal opened={createOpened} onClose={createModal.close} />
      <BulkTagModal opened={tagOpened} onClose={tagModal.close} ids={selectedIds} onDone={() => setSelected(new Set())} />
    </>
  );
}

function ContactRow({
  contact: c,
  selected,
  onToggle,
  onOpen,
  ownerName,
}: {
  contact: Contact;
  selected: boolean;
  onToggle: () => void;
  onOpen: () => void;
  ownerName: string;
}) {
  const name = fullName(c);
  const sub = [c.title, c.company_name].filter(Boolean).join(' · ');
  const tags = c.tags ?? [];
  return (
    <Table.Tr className="crm-row" bg={selected ? 'var(--mantine-color-brand-light)' : undefined} onClick={onOpen} data-testid="contact-row">
      <Table.Td onClick={(e) => e.stopPropagation()}>
        <Checkbox aria-label={`Select ${name}`} checked={selected} onChange={onToggle} />
      </Table.Td>
      <Table.Td maw={0} style={{ width: '100%' }}>
        <Group gap="sm" wrap="nowrap">
          <Avatar size={34} radius="xl" color="brand" variant="light">
            {initials(name)}
          </Avatar>
          <Box miw={0}>
            <Anchor
              component={Link}
              to={`/contacts/${c.id}`}
              className="crm-link-cell crm-truncate"
              display="block"
              size="sm"
              onClick={(e) => e.stopPropagation()}
            >
              {name}
            </Anchor>
            <Text size="xs" c="dimmed" className="crm-truncate">
              {sub || '\u00a0'}
            </Text>
            <Text size="xs" c="dimmed" className="crm-truncate" hiddenFrom="md">
              {c.email || formatPhone(c.phone)}
            </Text>
          </Box>
        </Group>
      </Table.Td>
      <Table.Td visibleFrom="md" maw={260}>
        <Text size="sm" className="crm-truncate">
          {c.email || (
            <Text span c="dimmed">
              —
            </Text>
          )}
        </Text>
      </Table.Td>
      <Table.Td visibleFrom="lg" style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm">
          {formatPhone(c.phone) || (
            <Text span c="dimmed">
              —
            </Text>
          )}
        </Text>
      </Table.Td>
      <Table.Td visibleFrom="sm">
        <Group gap={4} wrap="nowrap" style={{ minWidth: 'max-content' }}>
          {tags.slice(0, 2).map((t) => (
            <Badge key={t} variant="light" size="sm" title={t}>
              {shortTag(t)}
            </Badge>
          ))}
          {tags.length > 2 && (
            <Badge variant="default" size="sm">
              +{tags.length - 2}
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td visibleFrom="lg" style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm">{ownerName}</Text>
      </Table.Td>
      <Table.Td visibleFrom="sm" ta="right" style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm" c="dimmed">
          {formatRelative(c.updated_at)}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** shortTag keeps table rows tidy: tags longer than 14 characters are cut with an ellipsis. */
function shortTag(t: string): string {
  return t.length > 14 ? `${t.slice(0, 13)}…` : t;
}

function ListSkeleton() {
  return (
    <Paper p="md" aria-busy="true" aria-label="Loading contacts">
      <Stack gap="lg">
        {Array.from({ length: 6 }, (_, i) => (
          <Group key={i} gap="sm" wrap="nowrap">
            <Skeleton circle height={34} />
            <Stack gap={6} style={{ flex: 1 }}>
              <Skeleton height={10} width="40%" />
              <Skeleton height={8} width="25%" />
            </Stack>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
