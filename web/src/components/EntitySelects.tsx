import { Loader, Select, Text, type ComboboxItem } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAddressBook, IconCurrencyDollar } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, call } from '../api/client';
import { fullName } from '../lib/format';
import { formatMoney } from '../lib/money';

interface EntitySelectProps {
  label: string;
  /** The chosen id, or null. */
  value: string | null;
  onChange: (id: string | null, label: string | null) => void;
  /** The chosen entity's name, known before any search (e.g. an activity's contact_name). */
  initialLabel?: string | null;
  placeholder?: string;
  error?: React.ReactNode;
  disabled?: boolean;
  description?: React.ReactNode;
  /** Use the label as the accessible name only (a filter bar without visible labels). */
  hideLabel?: boolean;
}

interface Option extends ComboboxItem {
  hint?: string;
}

/**
 * RemoteSelect is a searchable select whose options come from the server as
 * the person types; the chosen option stays listed whatever the search.
 */
function RemoteSelect({
  search,
  icon,
  nothingFound,
  label,
  value,
  onChange,
  initialLabel,
  placeholder,
  error,
  disabled,
  description,
  hideLabel,
  resolve,
}: EntitySelectProps & {
  search: (term: string, signal: AbortSignal) => Promise<Option[]>;
  /** resolve names a chosen id nobody named (a form opened with only an id). */
  resolve: (id: string, signal: AbortSignal) => Promise<Option>;
  icon: React.ReactNode;
  nothingFound: string;
}) {
  const [chosen, setChosen] = useState<Option | null>(value && initialLabel ? { value, label: initialLabel } : null);
  const named = useQuery({
    queryKey: ['entity-select', label, 'name', value],
    queryFn: ({ signal }) => resolve(value!, signal),
    enabled: Boolean(value) && !chosen && !disabled,
    staleTime: 60_000,
  });
  // The chosen option: picked here, given by the caller, or looked up by id.
  const current = chosen ?? (named.data && named.data.value === value ? named.data : null);
  // null until the person types: the box then shows the chosen option's name.
  const [term, setTerm] = useState<string | null>(null);
  const shown = term ?? current?.label ?? '';
  const [debounced] = useDebouncedValue(shown, 200);
  // Searching for the chosen option's own label lists everything instead.
  const q = current && debounced === current.label ? '' : debounced.trim();
  const results = useQuery({
    queryKey: ['entity-select', label, q],
    queryFn: ({ signal }) => search(q, signal),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
    enabled: !disabled,
  });
  const data = useMemo(() => {
    const list = results.data ?? [];
    if (current && value === current.value && !list.some((o) => o.value === current.value)) return [current, ...list];
    return list;
  }, [results.data, current, value]);

  return (
    <Select
      label={hideLabel ? undefined : label}
      aria-label={hideLabel ? label : undefined}
      description={description}
      placeholder={placeholder}
      leftSection={icon}
      data={data}
      value={value}
      onChange={(v, option) => {
        const o = (option as Option | null) ?? null;
        setChosen(o);
        onChange(v, o?.label ?? null);
      }}
      searchable
      searchValue={shown}
      onSearchChange={setTerm}
      filter={({ options }) => options}
      clearable
      error={error}
      disabled={disabled}
      nothingFoundMessage={results.isFetching ? 'Searching…' : nothingFound}
      rightSection={results.isFetching ? <Loader size={14} /> : undefined}
      renderOption={({ option }) => {
        const o = option as Option;
        return (
          <div style={{ minWidth: 0 }}>
            <Text size="sm" className="crm-truncate">
              {o.label}
            </Text>
            {o.hint && (
              <Text size="xs" c="dimmed" className="crm-truncate">
                {o.hint}
              </Text>
            )}
          </div>
        );
      }}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** ContactSelect picks one of the company's contacts, searching by name, email, phone or company. */
export function ContactSelect(props: EntitySelectProps) {
  return (
    <RemoteSelect
      {...props}
      icon={<IconAddressBook size={16} />}
      nothingFound="No contact matches"
      resolve={async (id, signal) => {
        const c = await call(api.GET('/api/contacts/{id}', { params: { path: { id } }, signal }));
        return { value: c.id, label: fullName(c) };
      }}
      search={async (q, signal) => {
        const page = await call(api.GET('/api/contacts', { params: { query: { q: q || undefined, limit: 10 } }, signal }));
        return (page.items ?? []).map((c) => ({
          value: c.id,
          label: fullName(c),
          hint: [c.email, c.company_name].filter(Boolean).join(' · ') || undefined,
        }));
      }}
    />
  );
}

/** DealSelect picks one of the company's deals, searching by title. */
export function DealSelect(props: EntitySelectProps) {
  return (
    <RemoteSelect
      {...props}
      icon={<IconCurrencyDollar size={16} />}
      nothingFound="No deal matches"
      resolve={async (id, signal) => {
        const d = await call(api.GET('/api/deals/{id}', { params: { path: { id } }, signal }));
        return { value: d.id, label: d.title };
      }}
      search={async (q, signal) => {
        const page = await call(api.GET('/api/deals', { params: { query: { q: q || undefined, limit: 10 } }, signal }));
        return (page.items ?? []).map((d) => ({
          value: d.id,
          label: d.title,
          hint: [d.contact_name, formatMoney(d.value, d.currency)].filter(Boolean).join(' · '),
        }));
      }}
    />
  );
}
