import { ActionIcon, Collapse, Group, Indicator, Paper, Stack, Text } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconAdjustmentsHorizontal } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** FilterToggle opens and closes a phone's filters; a dot counts the filters in use. */
export function FilterToggle({
  activeCount,
  open,
  onToggle,
  label = 'Filters',
}: {
  activeCount: number;
  open: boolean;
  onToggle: () => void;
  /** The button's accessible name. */
  label?: string;
}) {
  return (
    <Indicator disabled={activeCount === 0} label={activeCount} size={16} offset={4}>
      <ActionIcon size={36} variant={open ? 'light' : 'default'} onClick={onToggle} aria-label={label} aria-expanded={open}>
        <IconAdjustmentsHorizontal size={18} />
      </ActionIcon>
    </Indicator>
  );
}

interface FilterBarProps {
  /** What the list holds ("12 calls"), shown next to the toggle on a phone. */
  summary: ReactNode;
  /** How many filters are in use. */
  activeCount: number;
  /** The filter controls: a row on a desktop, a stack that folds away on a phone. */
  children: ReactNode;
}

/** FilterBar is a list page's filters: in a row on a desktop, behind a toggle on a phone. */
export function FilterBar({ summary, activeCount, children }: FilterBarProps) {
  const isPhone = useMediaQuery('(max-width: 36em)', false, { getInitialValueInEffect: false });
  const [open, { toggle }] = useDisclosure(false);
  return (
    <Paper p="sm" mb="md">
      {isPhone ? (
        <>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {summary}
            </Text>
            <FilterToggle activeCount={activeCount} open={open} onToggle={toggle} />
          </Group>
          <Collapse expanded={open}>
            <Stack gap="sm" mt="sm">
              {children}
            </Stack>
          </Collapse>
        </>
      ) : (
        <Group gap="sm" wrap="wrap">
          {children}
        </Group>
      )}
    </Paper>
  );
}
