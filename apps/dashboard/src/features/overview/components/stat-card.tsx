import { Paper, Text } from '@mantine/core';
import { useId, type ReactNode } from 'react';

interface Props {
  label: string;
  value: string;
  hint?: ReactNode;
}

/** One number of the Overview, named by its label. */
export function StatCard({ label, value, hint }: Props) {
  const id = useId();
  return (
    <Paper component="section" aria-labelledby={id} withBorder p="md" radius="md">
      <Text id={id} size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fz={28} fw={700} lh={1.3}>
        {value}
      </Text>
      {hint && (
        <Text size="sm" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}
