import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, call } from '../../api/client';
import { fullName } from '../../lib/format';

interface Props extends Omit<SelectProps, 'data' | 'value' | 'onChange' | 'searchable' | 'searchValue' | 'onSearchChange' | 'filter'> {
  value: string | null;
  onChange: (id: string | null, label: string | null) => void;
  /** The label of the current value, so it shows before any search has run. */
  valueLabel?: string | null;
}

/**
 * ContactSelect picks one of the company's contacts, searching the server
 * (GET /api/contacts?q=) as the person types rather than loading every contact.
 */
export function ContactSelect({ value, onChange, valueLabel, ...rest }: Props) {
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<{ value: string; label: string } | null>(value && valueLabel ? { value, label: valueLabel } : null);
  const [debounced] = useDebouncedValue(search.trim(), 200);
  // Once a contact is picked the box shows its name; searching that name again is pointless.
  const term = picked && debounced === picked.label ? '' : debounced;
  const contacts = useQuery({
    queryKey: ['contacts', 'picker', term],
    queryFn: ({ signal }) =>
      call(api.GET('/api/contacts', { params: { query: { q: term || undefined, limit: 20, sort: 'name', order: 'asc' } }, signal })),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });

  const data = useMemo(() => {
    const opts = (contacts.data?.items ?? []).map((c) => {
      const name = fullName(c);
      const sub = c.company_name || (c.email && c.email !== name ? c.email : '');
      return { value: c.id, label: sub ? `${name} · ${sub}` : name };
    });
    const current = value && picked?.value === value ? picked : value && valueLabel ? { value, label: valueLabel } : null;
    if (current && !opts.some((o) => o.value === current.value)) opts.unshift(current);
    return opts;
  }, [contacts.data, value, picked, valueLabel]);

  return (
    <Select
      {...rest}
      data={data}
      value={value}
      onChange={(v, option) => {
        const label = v && option ? option.label : null;
        setPicked(v && label ? { value: v, label } : null);
        onChange(v, label);
      }}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={contacts.isFetching ? 'Searching…' : term ? `No contact matches “${term}”` : 'No contacts yet'}
      clearable
    />
  );
}
