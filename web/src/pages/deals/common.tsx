import { Badge } from '@mantine/core';
import { useMemo } from 'react';
import type { DealStatus, StageKind } from '../../api/deals';
import { useUsers } from '../../api/queries';
import { useSession } from '../../components/session';
import { formatDate } from '../../lib/format';

/** Colors per stage kind and deal status, the same everywhere. */
export const KIND_COLOR: Record<StageKind, string> = { open: 'brand', won: 'teal', lost: 'red' };
export const STATUS_LABEL: Record<DealStatus, string> = { open: 'Open', won: 'Won', lost: 'Lost' };

export function StatusBadge({ status, size = 'sm' }: { status: DealStatus; size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Badge color={KIND_COLOR[status]} variant={status === 'open' ? 'light' : 'filled'} size={size}>
      {STATUS_LABEL[status]}
    </Badge>
  );
}

/**
 * useOwners gives the company's members as select options ("(you)" marked) and
 * a name lookup that says "You" for the caller and "A former teammate" for a
 * member who has left.
 */
export function useOwners() {
  const me = useSession();
  const users = useUsers();
  return useMemo(() => {
    const list = users.data ?? [];
    const names = new Map(list.map((u) => [u.id, u.name || u.email]));
    if (!names.has(me.user.id)) names.set(me.user.id, me.user.name || me.user.email);
    const options = [...names.entries()].map(([id, name]) => ({ value: id, label: id === me.user.id ? `${name} (you)` : name }));
    const nameOf = (id: string | null | undefined, you = 'You'): string | null => {
      if (!id) return null;
      if (id === me.user.id) return you;
      return names.get(id) ?? (users.isPending ? '…' : 'A former teammate');
    };
    return { options, nameOf, fullNameOf: (id: string | null | undefined) => (id ? (names.get(id) ?? null) : null), isError: users.isError };
  }, [users.data, users.isPending, users.isError, me.user.id, me.user.name, me.user.email]);
}

/** todayIn is today's date (YYYY-MM-DD) in a time zone; an unknown zone falls back to the browser's. */
export function todayIn(timeZone: string | undefined, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timeZone || undefined, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  }
}

/** formatDay shows a calendar date (YYYY-MM-DD) without shifting it through a time zone: "Mar 4, 2026". */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '—';
  return formatDate(`${day.slice(0, 10)}T00:00:00Z`, 'UTC');
}

/** isOverdue: an open deal whose expected close date has passed. */
export function isOverdue(day: string | null | undefined, status: DealStatus, today: string): boolean {
  return Boolean(day) && status === 'open' && (day as string).slice(0, 10) < today;
}

let allCurrencies: string[] | null = null;
/** currencyOptions lists ISO 4217 codes the browser knows, the common ones first. */
export function currencyOptions(common: readonly string[]): string[] {
  if (!allCurrencies) {
    let known: string[] = [];
    try {
      known = Intl.supportedValuesOf('currency');
    } catch {
      known = [];
    }
    allCurrencies = [...common, ...known.filter((c) => !common.includes(c))];
  }
  return allCurrencies;
}
