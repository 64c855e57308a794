import { Group, Text, Tooltip } from '@mantine/core';
import { countSms, SMS_MAX_CHARS, smsCounterLabel } from '../../lib/sms';

/**
 * SmsCounter is the composer's live count: "42 chars · 1 segment", with a
 * note when one character turns the whole text into Unicode (70 per SMS) and
 * a warning past the 1600-character limit.
 */
export function SmsCounter({ body, id }: { body: string; id?: string }) {
  const c = countSms(body);
  const shown = c.unicodeChars.slice(0, 5).join(' ');
  return (
    <Group gap={6} wrap="wrap" id={id} aria-live="polite" data-testid="sms-counter">
      <Text size="xs" c={c.tooLong ? 'red' : 'dimmed'} fw={c.tooLong ? 600 : undefined} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {smsCounterLabel(c)}
      </Text>
      {c.encoding === 'UCS-2' && (
        <Tooltip
          label={`Because of ${shown}${c.unicodeChars.length > 5 ? ' …' : ''}, this text is sent as Unicode: 70 characters per SMS (67 per part) instead of 160.`}
          multiline
          maw={300}
          events={{ hover: true, focus: true, touch: true }}
        >
          <Text size="xs" c="orange" tabIndex={0} td="underline dotted" style={{ cursor: 'help' }}>
            Unicode
          </Text>
        </Tooltip>
      )}
      {c.tooLong && (
        <Text size="xs" c="red">
          {(c.chars - SMS_MAX_CHARS).toLocaleString('en-US')} over the {SMS_MAX_CHARS.toLocaleString('en-US')}-character limit
        </Text>
      )}
    </Group>
  );
}
