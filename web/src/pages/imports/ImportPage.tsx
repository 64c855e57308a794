import { Anchor, Box, Button, Card, Group, Progress, Stepper, Text } from '@mantine/core';
import { IconArrowLeft, IconFileUnknown } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { isApiError } from '../../api/errors';
import { useImport, type ImportKind } from '../../api/imports';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, PageLoader } from '../../components/States';
import { ImportsList } from './ImportsList';
import { MappingStep } from './MappingStep';
import { ProgressStep } from './ProgressStep';
import { UploadStep } from './UploadStep';

export const KIND_LABEL: Record<ImportKind, string> = { contacts: 'contacts', deals: 'deals' };

export function kindFrom(v: string | null): ImportKind {
  return v === 'deals' ? 'deals' : 'contacts';
}

/**
 * ImportPage is the CSV import wizard: choose and upload a file, map its
 * columns (checked against the first rows as you go), then watch it run. The
 * URL holds the import (?id=), so a reload or a shared link lands on the
 * same step; without one it starts a new import of ?kind=contacts|deals.
 */
export function ImportPage() {
  const [params] = useSearchParams();
  const id = params.get('id') ?? '';
  const kind = kindFrom(params.get('kind'));
  return id ? <ExistingImport id={id} /> : <NewImport kind={kind} />;
}

const STEPS = [
  { label: 'Upload', description: 'Choose a CSV file' },
  { label: 'Map columns', description: 'Check the first rows' },
  { label: 'Import', description: 'Runs in the background' },
];

function Steps({ active }: { active: number }) {
  const current = STEPS[Math.min(active, STEPS.length - 1)];
  return (
    <>
      <Card p="md" mb="md" visibleFrom="sm">
        <Stepper active={active} size="sm" allowNextStepsSelect={false}>
          {STEPS.map((s) => (
            <Stepper.Step key={s.label} label={s.label} description={s.description} />
          ))}
        </Stepper>
      </Card>
      {/* A phone has no room for three steps side by side: say where we are instead. */}
      <Group hiddenFrom="sm" mb="md" gap="xs" wrap="nowrap">
        <Progress
          value={(Math.min(active + (active >= STEPS.length ? 0 : 1), STEPS.length) / STEPS.length) * 100}
          size="sm"
          radius="xl"
          style={{ flex: 1 }}
          aria-hidden
        />
        <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {active >= STEPS.length ? 'Done' : `Step ${active + 1} of ${STEPS.length}: ${current.label}`}
        </Text>
      </Group>
    </>
  );
}

function BackLink({ kind }: { kind: ImportKind }) {
  return (
    <Anchor component={Link} to={kind === 'deals' ? '/deals' : '/contacts'} size="sm" c="dimmed" mb="sm" display="inline-block">
      <Group gap={4}>
        <IconArrowLeft size={14} /> {kind === 'deals' ? 'Deals' : 'Contacts'}
      </Group>
    </Anchor>
  );
}

function NewImport({ kind }: { kind: ImportKind }) {
  return (
    <>
      <BackLink kind={kind} />
      <PageHeader title="Import from CSV" description="Bring contacts or deals over from a spreadsheet or another CRM." />
      <Steps active={0} />
      <UploadStep kind={kind} />
      <Box mt="xl">
        <ImportsList />
      </Box>
    </>
  );
}

function ExistingImport({ id }: { id: string }) {
  const imp = useImport(id);
  if (imp.isPending) return <PageLoader label="Loading the import…" />;
  if (imp.isError) {
    if (isApiError(imp.error, 404, 400, 422)) {
      return (
        <Card p={0}>
          <EmptyState
            icon={<IconFileUnknown size={28} />}
            title="Import not found"
            action={
              <Button component={Link} to="/import" variant="default" leftSection={<IconArrowLeft size={16} />}>
                Start a new import
              </Button>
            }
          >
            This import doesn’t exist or was deleted.
          </EmptyState>
        </Card>
      );
    }
    return <ErrorState error={imp.error} onRetry={() => imp.refetch()} title="Couldn't load the import" />;
  }
  const i = imp.data;
  const step = i.status === 'uploaded' ? 1 : i.status === 'done' || i.status === 'failed' ? 3 : 2;
  return (
    <>
      <BackLink kind={i.kind} />
      <PageHeader title={`Import ${KIND_LABEL[i.kind]}`} description={i.file_name || 'CSV file'} />
      <Steps active={step} />
      {i.status === 'uploaded' ? <MappingStep imp={i} /> : <ProgressStep imp={i} />}
    </>
  );
}
