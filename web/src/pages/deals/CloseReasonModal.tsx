import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';

export interface CloseRequest {
  kind: 'won' | 'lost';
  dealTitle: string;
  stageName: string;
}

interface Props {
  request: CloseRequest | null;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
  loading?: boolean;
}

/** CloseReasonModal asks why a deal was won or lost; the reason is optional. */
export function CloseReasonModal({ request, onConfirm, onCancel, loading }: Props) {
  return (
    <Modal
      opened={request !== null}
      onClose={onCancel}
      title={request ? (request.kind === 'won' ? `Won “${request.dealTitle}”` : `Lost “${request.dealTitle}”`) : ''}
    >
      {request && <ReasonForm request={request} onConfirm={onConfirm} onCancel={onCancel} loading={loading} />}
    </Modal>
  );
}

function ReasonForm({ request, onConfirm, onCancel, loading }: Omit<Props, 'request'> & { request: CloseRequest }) {
  const [reason, setReason] = useState('');
  const won = request.kind === 'won';
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onConfirm(reason.trim());
      }}
    >
      <Stack gap="md">
        <Text size="sm">
          The deal moves to <b>{request.stageName}</b> and is closed as {won ? 'won' : 'lost'}.
        </Text>
        <Textarea
          label={won ? 'Why did you win it?' : 'Why was it lost?'}
          description="Optional — it helps the team learn what works."
          placeholder={won ? 'Best price, fast onboarding…' : 'Went with a competitor, no budget…'}
          autosize
          minRows={2}
          maxRows={6}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          data-autofocus
        />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" color={won ? 'teal' : 'red'} loading={loading}>
            {won ? 'Mark as won' : 'Mark as lost'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
