import { DndContext, KeyboardSensor, PointerSensor, closestCenter, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { SortableContext, arrayMove, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import {
  ActionIcon,
  Alert,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconArrowDown, IconArrowUp, IconGripVertical, IconInfoCircle, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { fieldErrors, isApiError } from '../../api/errors';
import { dealKeys, usePipelines, type Pipeline, type Stage, type StageKind } from '../../api/deals';
import { isAdmin } from '../../api/queries';
import { notifyError, notifySuccess } from '../../components/notify';
import { EmptyState, ErrorState, PageLoader } from '../../components/States';
import { useSession } from '../../components/session';
import { plural } from '../../lib/format';
import { KIND_COLOR } from '../deals/common';

const KINDS: { value: StageKind; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'won', label: 'Won' },
  { value: 'lost', label: 'Lost' },
];

function dealCount(p: Pipeline): number {
  return (p.stages ?? []).reduce((n, s) => n + s.deals, 0);
}

/** firstFieldMessage is the server's message for one field, or its general message. */
function firstFieldMessage(err: unknown): string | null {
  if (!isApiError(err)) return null;
  const { fields, general } = fieldErrors(err.problem);
  return Object.values(fields)[0] ?? general[0] ?? null;
}

/**
 * usePipelineSaver writes a pipeline the server answered with into the cached
 * list, and marks boards and the dashboard stale (stage names, order and kinds show there).
 */
function usePipelineSaved() {
  const qc = useQueryClient();
  return (p: Pipeline) => {
    qc.setQueryData<{ items?: Pipeline[] | null }>(dealKeys.pipelines, (old) =>
      old ? { ...old, items: (old.items ?? []).map((x) => (x.id === p.id ? p : x)) } : old,
    );
    qc.invalidateQueries({ queryKey: dealKeys.boards });
    qc.invalidateQueries({ queryKey: dealKeys.dashboards });
  };
}

/** PipelinesTab edits pipelines and their stages (admins); members see them read-only. */
export function PipelinesTab() {
  const me = useSession();
  const admin = isAdmin(me.role);
  const pipelines = usePipelines();
  const [creating, setCreating] = useState(false);

  return (
    <Stack gap="md">
      <Card p={0}>
        <Group justify="space-between" p="md" wrap="wrap" gap="sm">
          <Box maw={560}>
            <Text fw={650}>Pipelines</Text>
            <Text size="sm" c="dimmed">
              Each pipeline is a sales process with ordered stages. Deals move left to right; Won and Lost stages close them.
              {admin ? '' : ' Only admins and owners can change them.'}
            </Text>
          </Box>
          {admin && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              New pipeline
            </Button>
          )}
        </Group>
      </Card>
      {pipelines.isPending ? (
        <PageLoader />
      ) : pipelines.isError ? (
        <Card p={0}>
          <ErrorState error={pipelines.error} onRetry={() => pipelines.refetch()} />
        </Card>
      ) : pipelines.data.length === 0 ? (
        <Card p={0}>
          <EmptyState icon={<IconPlus size={28} />} title="No pipelines yet">
            {admin ? 'Create a pipeline to start tracking deals.' : 'Ask an admin to create a pipeline.'}
          </EmptyState>
        </Card>
      ) : (
        pipelines.data.map((p) => <PipelineCard key={p.id} pipeline={p} admin={admin} only={pipelines.data.length === 1} />)
      )}
      <NewPipelineModal opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}

function NewPipelineModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (n: string) => call(api.POST('/api/pipelines', { body: { name: n } })),
    onSuccess: (p) => {
      qc.invalidateQueries({ queryKey: dealKeys.pipelines });
      notifySuccess(`Pipeline “${p.name}” was created with the default stages.`);
      setName('');
      onClose();
    },
    onError: (err) => setError(firstFieldMessage(err) ?? 'Could not create the pipeline.'),
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New pipeline">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) {
            setError('Give the pipeline a name');
            return;
          }
          setError(null);
          create.mutate(name.trim());
        }}
      >
        <Stack gap="md">
          <TextInput
            label="Name"
            placeholder="Renewals"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={error}
            maxLength={100}
            data-autofocus
          />
          <Text size="sm" c="dimmed">
            It starts with the usual stages — Lead, Qualified, Proposal, Negotiation, Won and Lost — which you can rename, reorder or remove.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create pipeline
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function PipelineCard({ pipeline, admin, only }: { pipeline: Pipeline; admin: boolean; only: boolean }) {
  const qc = useQueryClient();
  const saved = usePipelineSaved();
  const stages = pipeline.stages ?? [];
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(pipeline.name);
  const [nameError, setNameError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Stage | null>(null);
  const deals = dealCount(pipeline);

  const rename = useMutation({
    mutationFn: (n: string) => call(api.PATCH('/api/pipelines/{id}', { params: { path: { id: pipeline.id } }, body: { name: n } })),
    onSuccess: (p) => {
      saved(p);
      setRenaming(false);
    },
    onError: (err) => setNameError(firstFieldMessage(err) ?? 'Could not rename the pipeline.'),
  });

  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/pipelines/{id}', { params: { path: { id: pipeline.id } } })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: dealKeys.pipelines });
      qc.invalidateQueries({ queryKey: dealKeys.dashboards });
      notifySuccess(`Pipeline “${pipeline.name}” was deleted.`);
    },
    onError: (err) => notifyError(err, 'Could not delete the pipeline'),
  });

  const reorder = useMutation({
    mutationFn: (ids: string[]) =>
      call(api.PUT('/api/pipelines/{id}/stage-order', { params: { path: { id: pipeline.id } }, body: { stage_ids: ids } })),
    onMutate: (ids) => {
      const byId = new Map(stages.map((s) => [s.id, s]));
      const previous = pipeline;
      saved({ ...pipeline, stages: ids.map((id) => byId.get(id)!).filter(Boolean) });
      return { previous };
    },
    onSuccess: (p) => saved(p),
    onError: (err, _ids, ctx) => {
      if (ctx?.previous) saved(ctx.previous);
      notifyError(err, 'The new stage order was not saved');
    },
  });

  const moveStage = (from: number, to: number) => {
    if (to < 0 || to >= stages.length || from === to) return;
    reorder.mutate(arrayMove(stages, from, to).map((s) => s.id));
  };

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    moveStage(
      stages.findIndex((s) => s.id === active.id),
      stages.findIndex((s) => s.id === over.id),
    );
  };

  const confirmDelete = () =>
    modals.openConfirmModal({
      title: `Delete the pipeline “${pipeline.name}”?`,
      children: <Text size="sm">Its stages are removed too. A pipeline that still holds deals cannot be deleted: move or delete them first.</Text>,
      labels: { confirm: 'Delete pipeline', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(),
    });

  return (
    <Card p={0} data-testid="pipeline-card" data-pipeline={pipeline.name}>
      <Group justify="space-between" p="md" gap="sm" wrap="wrap" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        {renaming ? (
          <form
            style={{ flex: '1 1 260px' }}
            onSubmit={(e) => {
              e.preventDefault();
              if (!name.trim()) return setNameError('Give the pipeline a name');
              setNameError(null);
              rename.mutate(name.trim());
            }}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setRenaming(false);
            }}
          >
            <Group gap="xs" align="flex-start" wrap="nowrap">
              <TextInput
                aria-label="Pipeline name"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                error={nameError}
                maxLength={100}
                autoFocus
                style={{ flex: 1 }}
              />
              <Button type="submit" loading={rename.isPending}>
                Save
              </Button>
              <Button variant="default" onClick={() => setRenaming(false)}>
                Cancel
              </Button>
            </Group>
          </form>
        ) : (
          <Group gap="xs" miw={0}>
            <Title order={2} className="crm-truncate">
              {pipeline.name}
            </Title>
            <Badge variant="light" color="gray">
              {plural(stages.length, 'stage')} · {plural(deals, 'deal')}
            </Badge>
          </Group>
        )}
        {admin && !renaming && (
          <Group gap={4}>
            <Button
              variant="subtle"
              size="xs"
              leftSection={<IconPencil size={14} />}
              onClick={() => {
                setName(pipeline.name);
                setNameError(null);
                setRenaming(true);
              }}
            >
              Rename
            </Button>
            <Tooltip label={only ? 'A company needs at least one pipeline' : deals > 0 ? 'Move or delete its deals first' : 'Delete pipeline'}>
              <Box>
                <Button
                  variant="subtle"
                  color="red"
                  size="xs"
                  leftSection={<IconTrash size={14} />}
                  onClick={confirmDelete}
                  disabled={only || deals > 0}
                  loading={remove.isPending}
                >
                  Delete
                </Button>
              </Box>
            </Tooltip>
          </Group>
        )}
      </Group>

      {admin ? (
        <Box p={{ base: 'xs', sm: 'md' }}>
          <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
            <SortableContext items={stages.map((s) => s.id)} strategy={verticalListSortingStrategy}>
              <Stack gap={6} data-testid="stage-list">
                {stages.map((s, i) => (
                  <StageRow
                    key={s.id}
                    pipeline={pipeline}
                    stage={s}
                    first={i === 0}
                    last={i === stages.length - 1}
                    onUp={() => moveStage(i, i - 1)}
                    onDown={() => moveStage(i, i + 1)}
                    onRemove={() => setRemoving(s)}
                    busy={reorder.isPending}
                  />
                ))}
              </Stack>
            </SortableContext>
          </DndContext>
          <AddStage pipeline={pipeline} />
        </Box>
      ) : (
        <ReadOnlyStages stages={stages} />
      )}
      <RemoveStageModal pipeline={pipeline} stage={removing} onClose={() => setRemoving(null)} />
    </Card>
  );
}

function ReadOnlyStages({ stages }: { stages: Stage[] }) {
  return (
    <Table.ScrollContainer minWidth={0}>
      <Table className="crm-table" verticalSpacing="sm" horizontalSpacing="md">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Stage</Table.Th>
            <Table.Th>Probability</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th ta="right">Deals</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {stages.map((s) => (
            <Table.Tr key={s.id} data-testid="stage-row">
              <Table.Td>
                <Text size="sm" fw={550}>
                  {s.name}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{s.probability}%</Text>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={KIND_COLOR[s.kind]}>
                  {KINDS.find((k) => k.value === s.kind)?.label}
                </Badge>
              </Table.Td>
              <Table.Td ta="right">
                <Text size="sm">{s.deals}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

interface StageRowProps {
  pipeline: Pipeline;
  stage: Stage;
  first: boolean;
  last: boolean;
  onUp: () => void;
  onDown: () => void;
  onRemove: () => void;
  busy: boolean;
}

function StageRow({ pipeline, stage, first, last, onUp, onDown, onRemove, busy }: StageRowProps) {
  const saved = usePipelineSaved();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: stage.id });
  const [name, setName] = useState(stage.name);
  const [probability, setProbability] = useState<number | string>(stage.probability);
  const [error, setError] = useState<{ name?: string; probability?: string }>({});
  // Follow the server when someone else (or another field's save) changes the stage.
  const [seen, setSeen] = useState(stage);
  if (seen !== stage) {
    setSeen(stage);
    if (seen.name !== stage.name) setName(stage.name);
    if (seen.probability !== stage.probability) setProbability(stage.probability);
  }

  const update = useMutation({
    mutationFn: (body: { name?: string; probability?: number; kind?: StageKind }) =>
      call(api.PATCH('/api/pipelines/{id}/stages/{stage_id}', { params: { path: { id: pipeline.id, stage_id: stage.id } }, body })),
    onSuccess: (p) => {
      setError({});
      saved(p);
    },
    onError: (err, body) => {
      const msg = firstFieldMessage(err) ?? 'Not saved';
      if (body.name !== undefined) {
        setError({ name: msg });
      } else if (body.probability !== undefined) {
        setError({ probability: msg });
      } else {
        notifyError(err, 'The stage was not changed');
      }
    },
  });

  const saveName = () => {
    const n = name.trim();
    if (n === stage.name) return;
    if (!n) {
      setError({ name: 'A stage needs a name' });
      return;
    }
    // Enter then blur would send a refused name twice.
    if (error.name && update.variables?.name === n) return;
    update.mutate({ name: n });
  };
  const saveProbability = () => {
    const p = typeof probability === 'number' ? probability : Number.parseInt(probability, 10);
    if (Number.isNaN(p) || p < 0 || p > 100) {
      setError({ probability: '0 to 100' });
      return;
    }
    if (p !== stage.probability) update.mutate({ probability: p });
  };

  return (
    <Box
      ref={setNodeRef}
      style={{
        transform: CSS.Translate.toString(transform),
        transition,
        opacity: isDragging ? 0.5 : 1,
        borderRadius: 'var(--mantine-radius-md)',
        border: '1px solid var(--mantine-color-default-border)',
        borderLeft: `3px solid var(--mantine-color-${KIND_COLOR[stage.kind]}-5)`,
        background: 'var(--mantine-color-body)',
      }}
      p={{ base: 6, sm: 8 }}
      data-testid="stage-row"
      data-stage={stage.name}
    >
      <Group gap={6} wrap="wrap" align="flex-start">
        <Group gap={6} wrap="nowrap" align="flex-start" style={{ flex: '1 1 220px' }} miw={0}>
          <ActionIcon
            ref={setActivatorNodeRef}
            variant="subtle"
            color="gray"
            mt={4}
            style={{ cursor: 'grab', touchAction: 'none' }}
            {...attributes}
            {...listeners}
            aria-label={`Drag ${stage.name} to reorder`}
          >
            <IconGripVertical size={16} />
          </ActionIcon>
          <TextInput
            aria-label={`Name of stage ${stage.name}`}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            onBlur={saveName}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                saveName();
              }
              if (e.key === 'Escape') setName(stage.name);
            }}
            error={error.name}
            maxLength={100}
            style={{ flex: 1 }}
            miw={0}
          />
        </Group>
        <Group gap={4} wrap="nowrap" align="flex-start">
          <NumberInput
            aria-label={`Win probability of ${stage.name}`}
            value={probability}
            onChange={setProbability}
            onBlur={saveProbability}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                saveProbability();
              }
            }}
            min={0}
            max={100}
            clampBehavior="strict"
            allowDecimal={false}
            hideControls
            suffix="%"
            error={error.probability}
            w={72}
          />
          <Select
            aria-label={`Kind of ${stage.name}`}
            data={KINDS}
            value={stage.kind}
            onChange={(k) => k && k !== stage.kind && update.mutate({ kind: k as StageKind })}
            allowDeselect={false}
            w={88}
          />
          <Tooltip label={`${plural(stage.deals, 'deal')} in this stage`}>
            <Badge variant="light" color="gray" mt={8} style={{ flex: 'none', overflow: 'visible' }} aria-label={plural(stage.deals, 'deal')}>
              {stage.deals}
              <Box component="span" visibleFrom="xs">
                &nbsp;{stage.deals === 1 ? 'deal' : 'deals'}
              </Box>
            </Badge>
          </Tooltip>
          <Group gap={0} wrap="nowrap" mt={2}>
            <ActionIcon variant="subtle" color="gray" onClick={onUp} disabled={first || busy} aria-label={`Move ${stage.name} up`}>
              <IconArrowUp size={16} />
            </ActionIcon>
            <ActionIcon variant="subtle" color="gray" onClick={onDown} disabled={last || busy} aria-label={`Move ${stage.name} down`}>
              <IconArrowDown size={16} />
            </ActionIcon>
            <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={`Remove ${stage.name}`}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        </Group>
      </Group>
    </Box>
  );
}

function AddStage({ pipeline }: { pipeline: Pipeline }) {
  const saved = usePipelineSaved();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: (n: string) =>
      call(api.POST('/api/pipelines/{id}/stages', { params: { path: { id: pipeline.id } }, body: { name: n, kind: 'open' } })),
    onSuccess: (p) => {
      saved(p);
      setName('');
      setError(null);
    },
    onError: (err) => setError(firstFieldMessage(err) ?? 'Could not add the stage.'),
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!name.trim()) {
          setError('Name the new stage');
          return;
        }
        add.mutate(name.trim());
      }}
    >
      <Group gap="xs" mt="sm" align="flex-start" wrap="nowrap">
        <TextInput
          aria-label={`New stage in ${pipeline.name}`}
          placeholder="New stage name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={error}
          maxLength={100}
          style={{ flex: 1 }}
        />
        <Button type="submit" variant="light" leftSection={<IconPlus size={16} />} loading={add.isPending}>
          Add stage
        </Button>
      </Group>
    </form>
  );
}

/**
 * RemoveStageModal removes a stage; when it still holds deals the server
 * answers 409 naming query.move_to, and we ask where the deals should go.
 */
function RemoveStageModal({ pipeline, stage, onClose }: { pipeline: Pipeline; stage: Stage | null; onClose: () => void }) {
  const qc = useQueryClient();
  const saved = usePipelineSaved();
  const [needsTarget, setNeedsTarget] = useState(false);
  const [target, setTarget] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [seen, setSeen] = useState<Stage | null>(stage);
  if (seen !== stage) {
    setSeen(stage);
    setNeedsTarget(Boolean(stage && stage.deals > 0));
    setTarget(null);
    setProblem(null);
  }
  const others = (pipeline.stages ?? []).filter((s) => s.id !== stage?.id);

  const remove = useMutation({
    mutationFn: (moveTo: string | null) =>
      call(
        api.DELETE('/api/pipelines/{id}/stages/{stage_id}', {
          params: { path: { id: pipeline.id, stage_id: stage!.id }, query: moveTo ? { move_to: moveTo } : {} },
        }),
      ),
    onSuccess: (p, moveTo) => {
      saved(p);
      qc.invalidateQueries({ queryKey: ['deals'] });
      const to = others.find((s) => s.id === moveTo);
      notifySuccess(to ? `Stage “${stage?.name}” was removed; its deals moved to ${to.name}.` : `Stage “${stage?.name}” was removed.`);
      onClose();
    },
    onError: (err) => {
      if (isApiError(err, 409) && err.problem.errors?.some((e) => e.location === 'query.move_to')) {
        // The stage holds deals (perhaps new ones): ask where they go.
        setNeedsTarget(true);
        setProblem(null);
        return;
      }
      setProblem(firstFieldMessage(err) ?? err.message);
    },
  });

  return (
    <Modal opened={stage !== null} onClose={onClose} title={stage ? `Remove the stage “${stage.name}”?` : ''}>
      {stage && (
        <Stack gap="md">
          {problem && (
            <Alert color="red" variant="light" icon={<IconInfoCircle size={18} />} role="alert">
              {problem}
            </Alert>
          )}
          {needsTarget ? (
            <>
              <Text size="sm">
                {stage.deals === 1 ? 'A deal is' : stage.deals > 1 ? `${plural(stage.deals, 'deal')} are` : 'Deals are'} still in {stage.name}. Choose
                the stage they move to; each deal’s history records the move.
              </Text>
              <Select
                label="Move its deals to"
                placeholder="Choose a stage"
                data={others.map((s) => ({ value: s.id, label: s.name }))}
                value={target}
                onChange={setTarget}
                allowDeselect={false}
                data-autofocus
              />
            </>
          ) : (
            <Text size="sm">The stage holds no deals. Removing it cannot be undone.</Text>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              color="red"
              onClick={() => remove.mutate(needsTarget ? target : null)}
              disabled={needsTarget && !target}
              loading={remove.isPending}
            >
              {needsTarget ? 'Move deals and remove' : 'Remove stage'}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
