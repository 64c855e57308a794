import { Select } from '@mantine/core';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { Pipeline } from '../../api/deals';
import { useSession } from '../../components/session';
import { useOwners } from './common';

/** useUrlState reads the URL search parameters and writes several at once (replace, so filters do not fill the history). */
export function useUrlState() {
  const [params, setParams] = useSearchParams();
  const set = (changes: Record<string, string | null | undefined>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        return next;
      },
      { replace: true },
    );
  return [params, set] as const;
}

/** useOwnerFilter offers "my deals" and each member (no choice is anyone's), and turns "me" into the caller's id. */
export function useOwnerFilter() {
  const owners = useOwners();
  const me = useSession();
  const options = useMemo(
    () => [{ value: 'me', label: 'My deals' }, ...owners.options.filter((o) => o.value !== me.user.id)],
    [owners.options, me.user.id],
  );
  const toId = useCallback((owner: string) => (owner === 'me' ? me.user.id : owner), [me.user.id]);
  return { options, toId, owners };
}

/** PipelinePicker switches pipelines, kept in the URL; it hides when there is only one. */
export function PipelinePicker({ pipelines, value }: { pipelines: Pipeline[]; value: string }) {
  const [, set] = useUrlState();
  if (pipelines.length < 2) return null;
  return (
    <Select
      aria-label="Pipeline"
      data={pipelines.map((p) => ({ value: p.id, label: p.name }))}
      value={value}
      onChange={(v) => set({ pipeline: v, stage: null })}
      allowDeselect={false}
      w={{ base: '100%', xs: 200 }}
    />
  );
}
