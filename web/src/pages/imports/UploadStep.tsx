import { Alert, Box, Button, Card, Group, List, SegmentedControl, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertCircle, IconFileSpreadsheet, IconUpload, IconX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { errorMessage, isApiError } from '../../api/errors';
import { importKeys, MAX_UPLOAD_BYTES, uploadImportFile, type ImportKind } from '../../api/imports';
import { formatBytes } from '../../lib/importMapping';

const HINTS: Record<ImportKind, string[]> = {
  contacts: [
    'The first row names the columns: name, email, phone, company, job title, tags, owner email…',
    'A contact whose email is already in the CRM is skipped or updated, as you choose next.',
    'Columns that fit no field can become custom fields.',
  ],
  deals: [
    'The first row names the columns: title (required), value, currency, pipeline, stage, contact email, close date, owner email.',
    'Deals are linked to the contact with the row’s email, and put in the named pipeline and stage.',
  ],
};

/** UploadStep chooses what to import and the file (picked or dropped), and uploads it. */
export function UploadStep({ kind }: { kind: ImportKind }) {
  const [, setParams] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);

  const upload = useMutation({
    mutationFn: (f: File) => uploadImportFile(kind, f),
    onSuccess: (res) => {
      qc.setQueryData(importKeys.detail(res.import.id), res.import);
      qc.setQueryData(importKeys.preview(res.import.id), res);
      qc.invalidateQueries({ queryKey: importKeys.list });
      navigate(`/import?id=${encodeURIComponent(res.import.id)}`);
    },
    onError: (err) => {
      if (isApiError(err, 413)) setProblem(`This file is too large: the limit is ${formatBytes(MAX_UPLOAD_BYTES)}. Split it into smaller files.`);
      else if (isApiError(err, 415)) setProblem('This does not look like a CSV file. Save the sheet as “CSV (comma separated)” and try again.');
      else setProblem(errorMessage(err));
    },
  });

  const choose = (f: File | null | undefined) => {
    upload.reset();
    setProblem(null);
    if (!f) return;
    if (f.size > MAX_UPLOAD_BYTES) {
      setFile(null);
      setProblem(`${f.name} is ${formatBytes(f.size)}; the limit is ${formatBytes(MAX_UPLOAD_BYTES)}. Split it into smaller files.`);
      return;
    }
    if (f.size === 0) {
      setFile(null);
      setProblem(`${f.name} is empty.`);
      return;
    }
    setFile(f);
  };

  return (
    <Card p={{ base: 'md', sm: 'lg' }}>
      <Stack gap="md">
        <Box>
          <Text size="sm" fw={500} mb={6} id="import-kind-label">
            What are you importing?
          </Text>
          <SegmentedControl
            aria-labelledby="import-kind-label"
            value={kind}
            onChange={(v) => setParams({ kind: v }, { replace: true })}
            data={[
              { value: 'contacts', label: 'Contacts' },
              { value: 'deals', label: 'Deals' },
            ]}
          />
        </Box>

        <Box
          role="button"
          tabIndex={0}
          aria-label="Choose a CSV file, or drop one here"
          onClick={() => input.current?.click()}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              input.current?.click();
            }
          }}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            choose(e.dataTransfer.files?.[0]);
          }}
          p={{ base: 'lg', sm: 'xl' }}
          style={{
            border: `2px dashed ${dragging ? 'var(--mantine-primary-color-filled)' : 'var(--mantine-color-default-border)'}`,
            borderRadius: 'var(--mantine-radius-md)',
            background: dragging ? 'var(--mantine-primary-color-light)' : 'var(--mantine-color-default-hover)',
            cursor: 'pointer',
            textAlign: 'center',
            transition: 'background 120ms, border-color 120ms',
          }}
        >
          <Stack align="center" gap={6}>
            <ThemeIcon size={48} radius="xl" variant="light">
              <IconFileSpreadsheet size={26} />
            </ThemeIcon>
            <Title order={3}>{dragging ? 'Drop it here' : 'Drop a CSV file here'}</Title>
            <Text size="sm" c="dimmed">
              or click to choose one · up to {formatBytes(MAX_UPLOAD_BYTES)}
            </Text>
          </Stack>
          <input
            ref={input}
            type="file"
            accept=".csv,text/csv,text/plain,application/vnd.ms-excel"
            aria-label="CSV file"
            data-testid="import-file"
            hidden
            onChange={(e) => {
              choose(e.currentTarget.files?.[0]);
              e.currentTarget.value = '';
            }}
          />
        </Box>

        {file && (
          <Group
            justify="space-between"
            wrap="nowrap"
            gap="sm"
            p="sm"
            style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-md)' }}
          >
            <Group gap="sm" wrap="nowrap" miw={0}>
              <ThemeIcon variant="light" color="teal" radius="md">
                <IconFileSpreadsheet size={18} />
              </ThemeIcon>
              <Box miw={0}>
                <Text size="sm" fw={600} className="crm-truncate" data-testid="import-file-name">
                  {file.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatBytes(file.size)}
                </Text>
              </Box>
            </Group>
            <Button
              variant="subtle"
              color="gray"
              size="xs"
              leftSection={<IconX size={14} />}
              onClick={() => choose(null)}
              disabled={upload.isPending}
            >
              Remove
            </Button>
          </Group>
        )}

        {problem && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert" title="Can’t use this file">
            {problem}
          </Alert>
        )}

        <List size="sm" c="dimmed" spacing={4}>
          {HINTS[kind].map((h) => (
            <List.Item key={h}>{h}</List.Item>
          ))}
        </List>

        <Group justify="flex-end">
          <Button leftSection={<IconUpload size={16} />} disabled={!file} loading={upload.isPending} onClick={() => file && upload.mutate(file)}>
            Upload and map columns
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
