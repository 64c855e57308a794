import {
  ActionIcon,
  Anchor,
  Box,
  Button,
  Card,
  Grid,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
  Tooltip,
} from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconArrowLeft, IconCheck, IconPencil, IconReportSearch, IconRotate, IconTrash, IconTrophy, IconX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { errorMessage, fieldErrors, isApiError } from '../../api/errors';
import { dealKeys, useDeal, usePipelines, type Deal, type DealPatch, type Pipeline, type Stage } from '../../api/deals';
import { refreshAfterTrash } from '../../api/trash';
import { notifyError, notifySuccess } from '../../components/notify';
import { useUndoDelete } from '../../components/undoDelete';
import { ContactPhoneButtons } from '../../components/phone';
import { EmptyState, ErrorState, PageLoader } from '../../components/States';
import { Timeline } from '../../components/Timeline';
import { useSession } from '../../components/session';
import { formatDateTime, formatRelative } from '../../lib/format';
import { MoneyInput, moneyError } from '../../components/MoneyInput';
import { COMMON_CURRENCIES, formatMoney, parseMoneyInput } from '../../lib/money';
import { CloseReasonModal, type CloseRequest } from './CloseReasonModal';
import { currencyOptions, formatDay, isOverdue, KIND_COLOR, StatusBadge, todayIn, useOwners } from './common';
import { ContactSelect } from './ContactSelect';
import { refreshAfterDealChange, useMoveDeal } from './useMoveDeal';

export function DealDetailPage() {
  const { id = '' } = useParams();
  const deal = useDeal(id);
  if (deal.isPending) return <PageLoader label="Loading deal…" />;
  if (deal.isError) {
    if (isApiError(deal.error, 404, 400, 422)) return <DealNotFound />;
    return <ErrorState error={deal.error} onRetry={() => deal.refetch()} title="Couldn't load this deal" />;
  }
  return <DealView deal={deal.data} />;
}

/** DealNotFound answers an id that does not exist — or belongs to another company. */
export function DealNotFound() {
  return (
    <Card p={0} data-testid="deal-not-found">
      <EmptyState
        icon={<IconReportSearch size={28} />}
        title="Deal not found"
        action={
          <Button component={Link} to="/deals" leftSection={<IconArrowLeft size={16} />} variant="default">
            Back to deals
          </Button>
        }
      >
        This deal doesn’t exist or was deleted. Check the link, or find it on the deals board.
      </EmptyState>
    </Card>
  );
}

/** fieldMessage is the one line to show under an inline field for a failed save. */
function fieldMessage(err: unknown): string {
  if (isApiError(err) && err.problem.errors?.length) {
    const { fields, general } = fieldErrors(err.problem);
    const first = Object.values(fields)[0];
    if (first) return first;
    if (general.length) return general.join(' ');
  }
  return errorMessage(err);
}

function Label({ children }: { children: ReactNode }) {
  return (
    <Text size="xs" c="dimmed" fw={600} tt="uppercase" style={{ letterSpacing: '0.04em' }}>
      {children}
    </Text>
  );
}

interface InlineProps<T> {
  label: string;
  /** What is shown when not editing. */
  view: ReactNode;
  initial: T;
  editor: (value: T, set: (v: T) => void, error: string | null) => ReactNode;
  save: (value: T) => Promise<unknown>;
  validate?: (value: T) => string | null;
  readOnly?: boolean;
}

/** InlineField shows a value with a pencil; editing saves just that field (Enter saves, Escape cancels). */
function InlineField<T>({ label, view, initial, editor, save, validate, readOnly }: InlineProps<T>) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState<T>(initial);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const invalid = validate?.(value) ?? null;
    if (invalid) {
      setError(invalid);
      return;
    }
    setSaving(true);
    try {
      await save(value);
      setEditing(false);
      setError(null);
    } catch (err) {
      setError(fieldMessage(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Box>
      <Group justify="space-between" gap={4} wrap="nowrap" mih={22}>
        <Label>{label}</Label>
        {!editing && !readOnly && (
          <Tooltip label={`Edit ${label.toLowerCase()}`}>
            <ActionIcon
              size="sm"
              variant="subtle"
              color="gray"
              aria-label={`Edit ${label.toLowerCase()}`}
              onClick={() => {
                setValue(initial);
                setError(null);
                setEditing(true);
              }}
            >
              <IconPencil size={14} />
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
      {editing ? (
        <form
          onSubmit={submit}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && !e.defaultPrevented) {
              e.stopPropagation();
              setEditing(false);
            }
          }}
        >
          <Stack gap={6} mt={4}>
            {editor(value, setValue, error)}
            <Group gap={6} justify="flex-end">
              <Button size="compact-sm" variant="default" onClick={() => setEditing(false)} leftSection={<IconX size={14} />}>
                Cancel
              </Button>
              <Button size="compact-sm" type="submit" loading={saving} leftSection={<IconCheck size={14} />}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Box mt={2} style={{ wordBreak: 'break-word' }}>
          {view}
        </Box>
      )}
    </Box>
  );
}

function Dimmed({ children }: { children: ReactNode }) {
  return (
    <Text size="sm" c="dimmed">
      {children}
    </Text>
  );
}

function DealView({ deal }: { deal: Deal }) {
  const me = useSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const owners = useOwners();
  const pipelines = usePipelines();
  const move = useMoveDeal();
  const [closing, setClosing] = useState<(CloseRequest & { stageId: string }) | null>(null);
  const pipeline: Pipeline | undefined = (pipelines.data ?? []).find((p) => p.id === deal.pipeline_id);
  const stages = pipeline?.stages ?? [];
  const stage: Stage | undefined = stages.find((s) => s.id === deal.stage_id);
  const wonStage = stages.find((s) => s.kind === 'won');
  const lostStage = stages.find((s) => s.kind === 'lost');
  const firstOpen = stages.find((s) => s.kind === 'open');
  const today = todayIn(me.timezone);
  const overdue = isOverdue(deal.expected_close_date, deal.status, today);

  const patch = useMutation({
    mutationFn: (body: DealPatch) => call(api.PATCH('/api/deals/{id}', { params: { path: { id: deal.id } }, body })),
    onSuccess: (saved) => {
      qc.setQueryData(dealKeys.deal(saved.id), saved);
      // The board shows title, value, contact, owner and date: refresh it for the next visit.
      qc.invalidateQueries({ queryKey: dealKeys.boards });
      refreshAfterDealChange(qc);
    },
  });
  const save = (body: DealPatch) => patch.mutateAsync(body);

  const undoDelete = useUndoDelete();
  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/deals/{id}', { params: { path: { id: deal.id } } })),
    onSuccess: () => {
      qc.removeQueries({ queryKey: dealKeys.deal(deal.id) });
      refreshAfterTrash(qc);
      navigate(`/deals${pipeline ? `?pipeline=${pipeline.id}` : ''}`, { replace: true });
      undoDelete('deal', [deal.id], `“${deal.title}” was deleted.`);
    },
    onError: (err) => notifyError(err, 'Could not delete the deal'),
  });

  const confirmDelete = () =>
    modals.openConfirmModal({
      title: `Delete “${deal.title}”?`,
      children: (
        <Text size="sm">
          The deal leaves the board and every list in {me.company.name}, with its stage history and activities. It stays in the trash for 30 days,
          where admins can restore it.
        </Text>
      ),
      labels: { confirm: 'Delete deal', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(),
    });

  const moveTo = (target: Stage, reason?: string) =>
    move.mutate(
      { dealId: deal.id, toStageId: target.id, kind: target.kind, reason, title: deal.title, fromStageName: stage?.name ?? 'its stage' },
      {
        onSuccess: (d) =>
          notifySuccess(d.status === 'open' ? `Moved to ${target.name}.` : `Marked as ${d.status} — moved to ${target.name}.`, {
            id: `moved-${d.id}`,
          }),
      },
    );
  const askClose = (target: Stage | undefined) => {
    if (!target || target.kind === 'open') return;
    setClosing({ kind: target.kind, dealTitle: deal.title, stageName: target.name, stageId: target.id });
  };
  const pickStage = (id: string | null) => {
    const target = (pipelines.data ?? []).flatMap((p) => p.stages ?? []).find((s) => s.id === id);
    if (!target || target.id === deal.stage_id) return;
    if (target.kind !== 'open' && target.kind !== deal.status) askClose(target);
    else moveTo(target);
  };

  const stageData =
    (pipelines.data ?? []).length > 1
      ? (pipelines.data ?? []).map((p) => ({ group: p.name, items: (p.stages ?? []).map((s) => ({ value: s.id, label: s.name })) }))
      : stages.map((s) => ({ value: s.id, label: s.kind === 'open' ? `${s.name} (${s.probability}%)` : s.name }));

  return (
    <>
      <Anchor component={Link} to={`/deals${pipeline ? `?pipeline=${pipeline.id}` : ''}`} size="sm" c="dimmed" mb="sm" display="inline-block">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Deals
        </Group>
      </Anchor>

      <Group justify="space-between" align="flex-start" mb="lg" gap="md" wrap="wrap">
        <Box miw={0} style={{ flex: '1 1 320px' }}>
          <TitleEditor deal={deal} save={save} />
          <Group gap="xs" mt={6} wrap="wrap">
            <StatusBadge status={deal.status} />
            <Text size="xl" fw={700} style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="deal-value">
              {formatMoney(deal.value, deal.currency)}
            </Text>
            {pipeline && stage && (
              <Text size="sm" c="dimmed">
                {pipeline.name} · {stage.name}
                {stage.kind === 'open' ? ` · ${stage.probability}% likely` : ''}
              </Text>
            )}
          </Group>
        </Box>
        <Group gap="xs">
          {deal.status === 'open' ? (
            <>
              {wonStage && (
                <Button
                  color="teal"
                  leftSection={<IconTrophy size={16} />}
                  onClick={() => askClose(wonStage)}
                  loading={move.isPending && closing === null}
                >
                  Mark won
                </Button>
              )}
              {lostStage && (
                <Button color="red" variant="light" leftSection={<IconX size={16} />} onClick={() => askClose(lostStage)}>
                  Mark lost
                </Button>
              )}
            </>
          ) : (
            firstOpen && (
              <Button variant="default" leftSection={<IconRotate size={16} />} onClick={() => moveTo(firstOpen)} loading={move.isPending}>
                Reopen
              </Button>
            )
          )}
          <Tooltip label="Delete deal">
            <ActionIcon size={36} variant="subtle" color="red" onClick={confirmDelete} loading={remove.isPending} aria-label="Delete deal">
              <IconTrash size={18} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card p="lg">
            <Title order={2} mb="md">
              Details
            </Title>
            <Stack gap="lg">
              <Box>
                <Label>Stage</Label>
                <Select
                  mt={4}
                  aria-label="Stage"
                  data={stageData}
                  value={deal.stage_id}
                  onChange={pickStage}
                  allowDeselect={false}
                  disabled={move.isPending || pipelines.isPending}
                  leftSection={<Box w={10} h={10} style={{ borderRadius: 99, background: `var(--mantine-color-${KIND_COLOR[deal.status]}-5)` }} />}
                />
              </Box>
              <InlineField<{ value: string; currency: string }>
                label="Value"
                view={<Text size="sm">{formatMoney(deal.value, deal.currency)}</Text>}
                initial={{ value: deal.value, currency: deal.currency }}
                validate={(v) => moneyError(v.value)}
                save={(v) => save({ value: parseMoneyInput(v.value) || '0', currency: v.currency })}
                editor={(v, set, error) => (
                  <Group gap={6} align="flex-start" wrap="nowrap">
                    <MoneyInput
                      aria-label="Value"
                      currency={v.currency}
                      value={v.value}
                      onChange={(e) => set({ ...v, value: e.currentTarget.value })}
                      error={error}
                      autoFocus
                      style={{ flex: 1 }}
                    />
                    <Select
                      aria-label="Currency"
                      data={currencyOptions(COMMON_CURRENCIES)}
                      value={v.currency}
                      onChange={(c) => set({ ...v, currency: c ?? v.currency })}
                      searchable
                      allowDeselect={false}
                      limit={50}
                      w={100}
                    />
                  </Group>
                )}
              />
              <InlineField<{ id: string | null; label: string | null }>
                label="Contact"
                view={
                  deal.contact_id ? (
                    <Stack gap={6} align="flex-start">
                      <Anchor component={Link} to={`/contacts/${deal.contact_id}`} size="sm" data-testid="deal-contact">
                        {deal.contact_name || 'Unnamed contact'}
                      </Anchor>
                      <ContactPhoneButtons contactId={deal.contact_id} name={deal.contact_name || 'the contact'} />
                    </Stack>
                  ) : (
                    <Dimmed>No contact</Dimmed>
                  )
                }
                initial={{ id: deal.contact_id, label: deal.contact_name || null }}
                save={(v) => save({ contact_id: v.id ?? '' })}
                editor={(v, set, error) => (
                  <ContactSelect
                    aria-label="Contact"
                    placeholder="Search contacts…"
                    value={v.id}
                    valueLabel={v.label}
                    onChange={(id, label) => set({ id, label })}
                    error={error}
                    autoFocus
                  />
                )}
              />
              <InlineField<string | null>
                label="Owner"
                view={deal.owner_id ? <Text size="sm">{owners.nameOf(deal.owner_id)}</Text> : <Dimmed>Unassigned</Dimmed>}
                initial={deal.owner_id}
                save={(v) => save({ owner_id: v ?? '' })}
                editor={(v, set, error) => (
                  <Select
                    aria-label="Owner"
                    placeholder="Unassigned"
                    data={owners.options}
                    value={v}
                    onChange={set}
                    clearable
                    searchable
                    error={error}
                    autoFocus
                  />
                )}
              />
              <InlineField<string>
                label="Expected close date"
                view={
                  deal.expected_close_date ? (
                    <Text size="sm" c={overdue ? 'red' : undefined} fw={overdue ? 600 : undefined}>
                      {formatDay(deal.expected_close_date)}
                      {overdue ? ' — past due' : ''}
                    </Text>
                  ) : (
                    <Dimmed>Not set</Dimmed>
                  )
                }
                initial={deal.expected_close_date ?? ''}
                save={(v) => save({ expected_close_date: v })}
                editor={(v, set, error) => (
                  <TextInput
                    aria-label="Expected close date"
                    type="date"
                    value={v}
                    onChange={(e) => set(e.currentTarget.value)}
                    error={error}
                    autoFocus
                  />
                )}
              />
              {deal.status !== 'open' && (
                <InlineField<string>
                  label={deal.status === 'won' ? 'Why it was won' : 'Why it was lost'}
                  view={deal.close_reason ? <Text size="sm">{deal.close_reason}</Text> : <Dimmed>No reason given</Dimmed>}
                  initial={deal.close_reason}
                  save={(v) => save({ close_reason: v.trim() })}
                  editor={(v, set, error) => (
                    <Textarea
                      aria-label="Reason"
                      autosize
                      minRows={2}
                      maxLength={500}
                      value={v}
                      onChange={(e) => set(e.currentTarget.value)}
                      error={error}
                      autoFocus
                    />
                  )}
                />
              )}
              <SimpleGrid cols={2} spacing="md">
                <Box>
                  <Label>Created</Label>
                  <Text size="sm" mt={2}>
                    {formatDateTime(deal.created_at, me.timezone)}
                  </Text>
                </Box>
                {deal.closed_at ? (
                  <Box>
                    <Label>Closed</Label>
                    <Text size="sm" mt={2}>
                      {formatDateTime(deal.closed_at, me.timezone)}
                    </Text>
                  </Box>
                ) : (
                  <Box>
                    <Label>Updated</Label>
                    <Text size="sm" mt={2}>
                      {formatRelative(deal.updated_at)}
                    </Text>
                  </Box>
                )}
              </SimpleGrid>
            </Stack>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Timeline kind="deal" id={deal.id} />
        </Grid.Col>
      </Grid>

      <CloseReasonModal
        request={closing}
        onCancel={() => setClosing(null)}
        onConfirm={(reason) => {
          const target =
            stages.find((s) => s.id === closing?.stageId) ??
            (pipelines.data ?? []).flatMap((p) => p.stages ?? []).find((s) => s.id === closing?.stageId);
          setClosing(null);
          if (target) moveTo(target, reason);
        }}
      />
    </>
  );
}

function TitleEditor({ deal, save }: { deal: Deal; save: (b: DealPatch) => Promise<unknown> }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(deal.title);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  if (!editing) {
    return (
      <Group gap={6} wrap="nowrap" align="flex-start">
        <Title order={1} style={{ wordBreak: 'break-word' }}>
          {deal.title}
        </Title>
        <Tooltip label="Rename">
          <ActionIcon
            variant="subtle"
            color="gray"
            mt={4}
            aria-label="Rename deal"
            onClick={() => {
              setValue(deal.title);
              setError(null);
              setEditing(true);
            }}
          >
            <IconPencil size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
    );
  }
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const t = value.trim();
        if (!t) {
          setError('Give the deal a title');
          return;
        }
        setSaving(true);
        try {
          await save({ title: t });
          setEditing(false);
        } catch (err) {
          setError(fieldMessage(err));
        } finally {
          setSaving(false);
        }
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setEditing(false);
      }}
    >
      <Group gap={6} align="flex-start" wrap="nowrap">
        <TextInput
          aria-label="Deal title"
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          error={error}
          maxLength={200}
          size="md"
          autoFocus
          style={{ flex: 1 }}
        />
        <ActionIcon type="submit" size={42} loading={saving} aria-label="Save title">
          <IconCheck size={18} />
        </ActionIcon>
        <ActionIcon size={42} variant="default" onClick={() => setEditing(false)} aria-label="Cancel renaming">
          <IconX size={18} />
        </ActionIcon>
      </Group>
    </form>
  );
}
