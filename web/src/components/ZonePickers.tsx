import { Select, type SelectProps } from '@mantine/core';
import { useMemo, useState } from 'react';
import { CURRENCIES, timeZones } from '../lib/locale';

/**
 * TimeZoneSelect picks an IANA zone. Typing searches afresh: opening the
 * list empties the search box, so what is typed replaces the current zone
 * instead of being appended to its name.
 *
 * Props are Mantine Select's; data is the zone list (with the current value).
 */
export function TimeZoneSelect(props: Omit<SelectProps, 'data' | 'searchable' | 'searchValue' | 'onSearchChange'>) {
  const value = typeof props.value === 'string' ? props.value : '';
  const zones = useMemo(() => timeZones(value), [value]);
  const [search, setSearch] = useState<string | null>(null);
  return (
    <Select
      allowDeselect={false}
      nothingFoundMessage="No such time zone"
      limit={100}
      placeholder={value}
      {...props}
      data={zones}
      searchable
      searchValue={search ?? value}
      onSearchChange={(s) => setSearch(s)}
      onDropdownOpen={() => {
        setSearch('');
        props.onDropdownOpen?.();
      }}
      onDropdownClose={() => {
        setSearch(null);
        props.onDropdownClose?.();
      }}
    />
  );
}

/** CurrencySelect picks a base currency from CURRENCIES (plus the current value). */
export function CurrencySelect(props: Omit<SelectProps, 'data'>) {
  const value = typeof props.value === 'string' ? props.value : '';
  const data = useMemo(() => (value && !CURRENCIES.some((c) => c.value === value) ? [{ value, label: value }, ...CURRENCIES] : CURRENCIES), [value]);
  return <Select searchable allowDeselect={false} nothingFoundMessage="No such currency" {...props} data={data} />;
}
