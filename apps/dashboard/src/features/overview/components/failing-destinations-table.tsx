import type { FailingDestination } from '@hookyard/contracts';
import { Anchor, Table, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import { formatRelative, formatTime } from '../../../lib/format';
import { formatRate } from '../overview-format';

interface Props {
  destinations: FailingDestination[];
}

/** The destinations failing most in the window; each links to its failed deliveries. */
export function FailingDestinationsTable({ destinations }: Props) {
  if (destinations.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No attempt failed in this window.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table aria-label="Top failing destinations" verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Destination</Table.Th>
            <Table.Th>Failed attempts</Table.Th>
            <Table.Th>Failure rate</Table.Th>
            <Table.Th>Last error</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {destinations.map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>
                <Anchor
                  component={Link}
                  to={`/deliveries/failed?destination=${encodeURIComponent(d.id)}`}
                  size="sm"
                  aria-label={`Failed deliveries to ${d.name}`}
                >
                  {d.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                {d.failedAttempts.toLocaleString()} of {d.attempts.toLocaleString()}
              </Table.Td>
              <Table.Td>{formatRate(d.failureRate)}</Table.Td>
              <Table.Td>
                <Text size="sm" lineClamp={1} style={{ wordBreak: 'break-all' }}>
                  {d.lastError}
                </Text>
                <Tooltip label={formatTime(d.lastFailedAt)} withArrow>
                  <Text size="xs" c="dimmed" span>
                    {formatRelative(d.lastFailedAt)}
                  </Text>
                </Tooltip>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
