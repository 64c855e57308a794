import { Box, Button } from '@mantine/core';
import { IconArrowLeft, IconMessageOff } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { SmsThread } from '../../api/phone';
import { EmptyState } from '../../components/States';
import { formatPhone } from '../../lib/format';

/** threadName is who a conversation is with: the contact, else the number. */
export function threadName(t: Pick<SmsThread, 'contact_name' | 'phone'>): string {
  return t.contact_name || formatPhone(t.phone) || 'Unknown number';
}

/** ThreadNotFound answers a conversation id that does not exist — or belongs to another company. */
export function ThreadNotFound() {
  return (
    <Box data-testid="thread-not-found" p="md">
      <EmptyState
        icon={<IconMessageOff size={28} />}
        title="Conversation not found"
        action={
          <Button component={Link} to="/sms" variant="default" leftSection={<IconArrowLeft size={16} />}>
            All conversations
          </Button>
        }
      >
        This conversation doesn’t exist or was deleted. Check the link, or pick one from the list.
      </EmptyState>
    </Box>
  );
}
