import { Table, Text } from '@mantine/core';

interface Props {
  headers: Record<string, string>;
  /** Names the table for screen readers, e.g. "Request headers". */
  label: string;
}

/** Header names and values, in the order they came. */
export function HeadersTable({ headers, label }: Props) {
  const entries = Object.entries(headers);
  if (entries.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        No headers
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={400}>
      <Table striped withTableBorder verticalSpacing={4} aria-label={label} ff="monospace" fz="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="30%">Name</Table.Th>
            <Table.Th>Value</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map(([name, value]) => (
            <Table.Tr key={name}>
              <Table.Td fw={600} style={{ wordBreak: 'break-all' }}>
                {name}
              </Table.Td>
              <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
