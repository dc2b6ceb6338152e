import { Paper, Title } from '@mantine/core';
import { useId, type ReactNode } from 'react';

interface Props {
  title: string;
  children: ReactNode;
}

/** A titled box of the Overview; the title names it for assistive technology. */
export function Panel({ title, children }: Props) {
  const id = useId();
  return (
    <Paper component="section" aria-labelledby={id} withBorder p="md" radius="md">
      <Title id={id} order={3} fz="md" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}
