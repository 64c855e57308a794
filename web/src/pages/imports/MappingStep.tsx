import { Alert, Badge, Box, Button, Card, Divider, Group, Loader, Radio, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { IconAlertCircle, IconArrowRight, IconPlayerPlay } from '@tabler/icons-react';
import { keepPreviousData, useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, call } from '../../api/client';
import { isApiError } from '../../api/errors';
import {
  importKeys,
  previewImport,
  type Import,
  type ImportPage,
  type ImportPreview,
  type ImportPreviewRow,
  type OnDuplicate,
} from '../../api/imports';
import { notifyError } from '../../components/notify';
import { ErrorState } from '../../components/States';
import { plural } from '../../lib/format';
import { assignField, columnErrors, columnOptions, fromSelect, mappingIssue, sameMapping, toSelect } from '../../lib/importMapping';

const ACTION: Record<ImportPreviewRow['action'], { label: string; color: string }> = {
  create: { label: 'New', color: 'teal' },
  update: { label: 'Update', color: 'blue' },
  skip: { label: 'Skip', color: 'gray' },
  fail: { label: 'Problem', color: 'red' },
};

/**
 * MappingStep maps each CSV column to a field (starting from the server's
 * guess), chooses what happens to duplicates, and shows the first rows as
 * they would be imported — checked again by the server whenever the mapping
 * changes — before the import is started.
 */
export function MappingStep({ imp }: { imp: Import }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  // The upload left a preview in the cache; after a reload, ask for one with the saved mapping.
  const initial = useQuery({
    queryKey: importKeys.preview(imp.id),
    queryFn: ({ signal }) => previewImport(imp.id, {}, signal),
    staleTime: Infinity,
  });
  const headers = imp.headers ?? [];
  const [mapping, setMapping] = useState<string[]>(() => imp.mapping ?? headers.map(() => ''));
  const [onDup, setOnDup] = useState<OnDuplicate>(imp.on_duplicate);
  const [note, setNote] = useState<string | null>(null);
  const [settled] = useDebouncedValue({ mapping, onDup }, 350);

  // Re-check the first rows with the mapping on screen (debounced); the first answer is the upload's.
  const savedMapping = initial.data?.import.mapping ?? imp.mapping ?? [];
  const changed = !sameMapping(settled.mapping, savedMapping) || settled.onDup !== (initial.data?.import.on_duplicate ?? imp.on_duplicate);
  const check = useQuery({
    queryKey: [...importKeys.preview(imp.id), settled.mapping, settled.onDup],
    queryFn: ({ signal }) => previewImport(imp.id, { mapping: settled.mapping, on_duplicate: settled.onDup }, signal),
    enabled: initial.isSuccess && changed,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: Infinity,
  });
  const preview: ImportPreview | undefined = changed ? (check.data ?? initial.data) : initial.data;
  const pending = sameMapping(mapping, settled.mapping) && onDup === settled.onDup ? check.isFetching : true;
  const serverErrors = check.isError && isApiError(check.error, 422) ? columnErrors(check.error.problem.errors) : null;
  const issue = mappingIssue(imp.kind, mapping);

  const start = useMutation({
    mutationFn: () => call(api.POST('/api/imports/{id}/start', { params: { path: { id: imp.id } }, body: { mapping, on_duplicate: onDup } })),
    onSuccess: (started) => {
      qc.setQueryData(importKeys.detail(imp.id), started);
      qc.invalidateQueries({ queryKey: importKeys.list });
    },
    onError: (err) => {
      if (isApiError(err, 409)) {
        // Started elsewhere already: show its progress.
        qc.invalidateQueries({ queryKey: importKeys.detail(imp.id) });
        return;
      }
      notifyError(err, 'Could not start the import');
    },
  });

  const discard = useMutation({
    mutationFn: () => call(api.DELETE('/api/imports/{id}', { params: { path: { id: imp.id } } })),
    onSuccess: () => {
      qc.removeQueries({ queryKey: importKeys.detail(imp.id) });
      // Gone from the list at once, before the list is fetched again.
      qc.setQueryData<InfiniteData<ImportPage>>(importKeys.list, (d) =>
        d ? { ...d, pages: d.pages.map((p) => ({ ...p, items: (p.items ?? []).filter((i) => i.id !== imp.id) })) } : d,
      );
      qc.invalidateQueries({ queryKey: importKeys.list });
      navigate(`/import?kind=${imp.kind}`, { replace: true });
    },
    onError: (err) => notifyError(err, 'Could not discard the import'),
  });

  const fields = useMemo(() => preview?.fields ?? [], [preview]);
  const fieldLabel = useMemo(() => {
    const m = new Map(fields.map((f) => [f.name, f.label]));
    return (name: string) => m.get(name) ?? (name.startsWith('custom.') ? name.slice('custom.'.length) : name);
  }, [fields]);

  if (initial.isPending) {
    return (
      <Card p="xl">
        <Group justify="center" gap="sm">
          <Loader size="sm" />
          <Text c="dimmed">Reading the file…</Text>
        </Group>
      </Card>
    );
  }
  if (initial.isError) return <ErrorState error={initial.error} onRetry={() => initial.refetch()} title="Couldn't read the import" />;

  const rows = preview?.rows ?? [];
  const samples = (i: number) =>
    rows
      .map((r) => (r.values ?? [])[i] ?? '')
      .map((v) => v.trim())
      .filter((v, k, all) => v !== '' && all.indexOf(v) === k)
      .slice(0, 2);
  const mappedColumns = mapping.map((f, i) => ({ f, i })).filter(({ f }) => f !== '');
  const failing = rows.filter((r) => r.action === 'fail').length;
  const total = imp.total_rows;

  const setColumn = (index: number, value: string | null) => {
    const { mapping: next, moved } = assignField(mapping, index, fromSelect(value));
    setMapping(next);
    setNote(moved !== null ? `“${headers[moved]}” is no longer imported: ${fieldLabel(next[index])} now comes from “${headers[index]}”.` : null);
  };

  const confirmDiscard = () =>
    modals.openConfirmModal({
      title: 'Discard this import?',
      children: <Text size="sm">The uploaded file is deleted and nothing is imported. You can upload another file.</Text>,
      labels: { confirm: 'Discard', cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: () => discard.mutate(),
    });

  return (
    <Stack gap="md">
      <Card p={{ base: 'md', sm: 'lg' }}>
        <Group justify="space-between" mb="xs" gap="xs">
          <Title order={2}>Map columns</Title>
          <Text size="sm" c="dimmed">
            {plural(total, 'row')} · {plural(headers.length, 'column')}
          </Text>
        </Group>
        <Text size="sm" c="dimmed" mb="md">
          Choose the field each column fills. We guessed from the column names; columns set to “Don’t import” are left out.
        </Text>
        <Stack gap={0}>
          {headers.map((h, i) => {
            const ex = samples(i);
            return (
              <Box key={i}>
                {i > 0 && <Divider />}
                <Group justify="space-between" gap="sm" py="sm" wrap="wrap" data-testid="mapping-row">
                  <Box miw={0} style={{ flex: '1 1 200px' }}>
                    <Text size="sm" fw={600} className="crm-truncate" title={h}>
                      {h || `Column ${i + 1}`}
                    </Text>
                    <Text size="xs" c="dimmed" className="crm-truncate">
                      {ex.length > 0 ? `e.g. ${ex.join(' · ')}` : 'Empty in the first rows'}
                    </Text>
                  </Box>
                  <Box visibleFrom="sm" style={{ flex: 'none' }} lh={0}>
                    <IconArrowRight size={16} color="var(--mantine-color-dimmed)" />
                  </Box>
                  <Select
                    aria-label={`Field for column “${h || `Column ${i + 1}`}”`}
                    data={columnOptions(fields, h, i, mapping[i] ?? '')}
                    value={toSelect(mapping[i] ?? '')}
                    onChange={(v) => setColumn(i, v)}
                    allowDeselect={false}
                    searchable
                    error={serverErrors?.columns[i]}
                    style={{ flex: '1 1 240px' }}
                    maw={{ sm: 300 }}
                    c={mapping[i] ? undefined : 'dimmed'}
                  />
                </Group>
              </Box>
            );
          })}
        </Stack>
        {note && (
          <Text size="sm" c="dimmed" mt="sm" role="status">
            {note}
          </Text>
        )}
        {imp.kind === 'contacts' && (
          <Box mt="md">
            <Radio.Group label="When a row’s email is already a contact’s" value={onDup} onChange={(v) => setOnDup(v as OnDuplicate)}>
              <Stack gap={6} mt={6}>
                <Radio value="skip" label="Skip the row (keep the contact as it is)" />
                <Radio value="update" label="Update the contact (fill in the row’s values, add its tags)" />
              </Stack>
            </Radio.Group>
          </Box>
        )}
      </Card>

      <Card p={{ base: 'md', sm: 'lg' }}>
        <Group justify="space-between" mb="sm" gap="xs">
          <Title order={2}>Preview</Title>
          <Group gap="xs">
            {pending && <Loader size={14} aria-label="Checking the rows" />}
            <Text size="sm" c="dimmed">
              First {plural(rows.length, 'row')}
              {failing > 0 ? ` · ${failing} with problems` : ''}
            </Text>
          </Group>
        </Group>
        {(issue || (serverErrors && serverErrors.general.length > 0)) && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} mb="sm" role="alert">
            {issue ?? serverErrors?.general.join(' ')}
          </Alert>
        )}
        {check.isError && !isApiError(check.error, 422) && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} mb="sm">
            Couldn’t check the rows: {check.error.message}
          </Alert>
        )}
        {rows.length === 0 ? (
          <Text size="sm" c="dimmed">
            The file has no rows under its header.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={Math.max(480, 160 + mappedColumns.length * 150)}>
            <Table className="crm-table" verticalSpacing="xs" style={{ opacity: pending ? 0.6 : 1 }} data-testid="import-preview">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={56}>Row</Table.Th>
                  <Table.Th w={96}>Result</Table.Th>
                  {mappedColumns.map(({ f, i }) => (
                    <Table.Th key={i}>{fieldLabel(f)}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <PreviewRow key={r.row} row={r} columns={mappedColumns} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>

      <Group justify="space-between" gap="sm">
        <Button variant="default" color="red" onClick={confirmDiscard} loading={discard.isPending}>
          Discard
        </Button>
        <Button
          leftSection={<IconPlayerPlay size={16} />}
          onClick={() => start.mutate()}
          loading={start.isPending}
          disabled={Boolean(issue) || Boolean(serverErrors) || pending}
        >
          Import {plural(total, imp.kind === 'deals' ? 'deal' : 'contact')}
        </Button>
      </Group>
    </Stack>
  );
}

function PreviewRow({ row, columns }: { row: ImportPreviewRow; columns: { f: string; i: number }[] }) {
  const a = ACTION[row.action];
  const problems = row.problems ?? [];
  return (
    <>
      <Table.Tr data-testid="preview-row" data-action={row.action} style={problems.length > 0 ? { borderBottom: 0 } : undefined}>
        <Table.Td c="dimmed">{row.row}</Table.Td>
        <Table.Td>
          <Badge size="sm" variant="light" color={a.color}>
            {a.label}
          </Badge>
        </Table.Td>
        {columns.map(({ i }) => (
          <Table.Td key={i} maw={220}>
            <Text size="sm" className="crm-truncate" title={(row.values ?? [])[i]}>
              {(row.values ?? [])[i] || (
                <Text span c="dimmed">
                  —
                </Text>
              )}
            </Text>
          </Table.Td>
        ))}
      </Table.Tr>
      {problems.length > 0 && (
        <Table.Tr>
          <Table.Td />
          <Table.Td colSpan={columns.length + 1} pt={0}>
            <Stack gap={2}>
              {problems.map((p, k) => (
                <Text key={k} size="xs" c="red">
                  {p.column ? `${p.column}: ` : p.field ? `${p.field}: ` : ''}
                  {p.message}
                </Text>
              ))}
            </Stack>
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}
