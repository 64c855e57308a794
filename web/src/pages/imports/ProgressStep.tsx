import { Alert, Box, Button, Card, Group, Paper, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconDownload, IconFileImport, IconList } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { failuresUrl, isRunning, type Import } from '../../api/imports';
import { keys } from '../../api/queries';
import { useSession } from '../../components/session';
import { formatDateTime, plural } from '../../lib/format';
import { progressPercent } from '../../lib/importMapping';

function Stat({ label, value, color, testId }: { label: string; value: number; color?: string; testId: string }) {
  return (
    <Paper p="sm" withBorder>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" style={{ letterSpacing: '0.04em' }}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={value > 0 ? color : undefined} data-testid={testId}>
        {value.toLocaleString('en-US')}
      </Text>
    </Paper>
  );
}

/**
 * ProgressStep watches a started import (the query polls it while queued or
 * running): a progress bar and the counts, then a summary with the report of
 * failed rows and a way to the imported list.
 */
export function ProgressStep({ imp }: { imp: Import }) {
  const me = useSession();
  const qc = useQueryClient();
  const running = isRunning(imp.status);
  const pct = progressPercent(imp.processed_rows, imp.total_rows);
  const noun = imp.kind === 'deals' ? 'deal' : 'contact';
  const listUrl = imp.kind === 'deals' ? '/deals' : '/contacts';

  // Once it finishes, the lists it filled are out of date.
  const wasRunning = useRef(running);
  useEffect(() => {
    if (wasRunning.current && !running) {
      qc.invalidateQueries({ queryKey: imp.kind === 'deals' ? ['deals'] : keys.contacts });
      qc.invalidateQueries({ queryKey: ['imports', 'list'] });
    }
    wasRunning.current = running;
  }, [running, imp.kind, qc]);

  const title =
    imp.status === 'queued'
      ? 'Waiting to start…'
      : imp.status === 'running'
        ? `Importing ${noun}s…`
        : imp.status === 'done'
          ? 'Import finished'
          : 'Import failed';

  return (
    <Stack gap="md">
      <Card p={{ base: 'md', sm: 'lg' }} data-testid="import-progress" data-status={imp.status}>
        <Group justify="space-between" mb="sm" gap="xs">
          <Title order={2}>{title}</Title>
          <Text size="sm" c="dimmed" data-testid="import-processed">
            {imp.processed_rows.toLocaleString('en-US')} of {plural(imp.total_rows, 'row')}
          </Text>
        </Group>
        <Progress
          value={pct}
          size="lg"
          radius="xl"
          striped={running}
          animated={running}
          color={imp.status === 'failed' ? 'red' : imp.status === 'done' ? (imp.failed_rows > 0 ? 'yellow' : 'teal') : undefined}
          aria-label={`Import progress: ${pct}%`}
        />
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" mt="md">
          <Stat label="Created" value={imp.created_rows} color="teal" testId="import-created" />
          <Stat label="Updated" value={imp.updated_rows} color="blue" testId="import-updated" />
          <Stat label="Skipped" value={imp.skipped_rows} testId="import-skipped" />
          <Stat label="Failed" value={imp.failed_rows} color="red" testId="import-failed" />
        </SimpleGrid>
        {running && (
          <Text size="sm" c="dimmed" mt="md">
            It runs in the background: you can leave this page and come back from the list of imports.
          </Text>
        )}
      </Card>

      {imp.status === 'done' && (
        <Alert
          color={imp.failed_rows > 0 ? 'yellow' : 'teal'}
          variant="light"
          icon={imp.failed_rows > 0 ? <IconAlertTriangle size={18} /> : <IconCircleCheck size={18} />}
          title={imp.failed_rows > 0 ? `Done, with ${plural(imp.failed_rows, 'row')} that could not be imported` : 'Done'}
        >
          <Text size="sm">
            {summary(imp)} Finished {formatDateTime(imp.finished_at, me.timezone)}.
            {imp.failed_rows > 0 && ' The report lists each failed row with the reason; fix them in the sheet and import the report again.'}
          </Text>
        </Alert>
      )}
      {imp.status === 'failed' && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="The import stopped">
          <Text size="sm">
            {imp.error || 'Something went wrong while importing.'} {imp.processed_rows > 0 ? `${summary(imp)}` : 'Nothing was imported.'}
          </Text>
        </Alert>
      )}

      {!running && (
        <Group gap="sm" justify="flex-end" wrap="wrap">
          <Button component={Link} to={`/import?kind=${imp.kind}`} variant="default" leftSection={<IconFileImport size={16} />}>
            Import another file
          </Button>
          {imp.failed_rows > 0 && (
            <Button component="a" href={failuresUrl(imp.id)} download variant="light" color="yellow" leftSection={<IconDownload size={16} />}>
              Download report
            </Button>
          )}
          <Button component={Link} to={listUrl} leftSection={<IconList size={16} />}>
            View {noun}s
          </Button>
        </Group>
      )}
      <Box />
    </Stack>
  );
}

function summary(imp: Import): string {
  const noun = imp.kind === 'deals' ? 'deal' : 'contact';
  const parts = [`${plural(imp.created_rows, `new ${noun}`)}`];
  if (imp.updated_rows > 0) parts.push(`${plural(imp.updated_rows, noun)} updated`);
  if (imp.skipped_rows > 0) parts.push(`${plural(imp.skipped_rows, 'row')} skipped`);
  if (imp.failed_rows > 0) parts.push(`${plural(imp.failed_rows, 'row')} failed`);
  return parts.join(', ') + '.';
}
