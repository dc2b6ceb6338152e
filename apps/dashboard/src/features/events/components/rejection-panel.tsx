import type { RejectionDetails } from '@hookyard/contracts';
import { Alert, Code, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';

interface Props {
  rejection: RejectionDetails;
}

/** The signature debugger: why a request was refused, what was expected, what arrived. */
export function RejectionPanel({ rejection }: Props) {
  const rows: [string, ReactNode][] = [];
  rows.push(['Reason', <Code key="code">{rejection.code}</Code>]);
  if (rejection.scheme) rows.push(['Scheme', rejection.scheme]);
  if (rejection.header) rows.push(['Header', <Code key="header">{rejection.header}</Code>]);
  if (rejection.received !== undefined) {
    rows.push([
      'Received',
      <Code key="received" style={{ wordBreak: 'break-all' }}>
        {rejection.received || '(empty)'}
      </Code>,
    ]);
  }
  if (rejection.expectedPrefixes?.length) {
    rows.push([
      'Expected',
      <Stack key="expected" gap={2} align="flex-start">
        {rejection.expectedPrefixes.map((prefix) => (
          <Code key={prefix} style={{ wordBreak: 'break-all' }}>
            {prefix}…
          </Code>
        ))}
      </Stack>,
    ]);
  }
  if (rejection.skewSeconds !== undefined) {
    rows.push([
      'Timestamp skew',
      `${rejection.skewSeconds} s${
        rejection.toleranceSeconds !== undefined
          ? ` (tolerance ${rejection.toleranceSeconds} s)`
          : ''
      }`,
    ]);
  }
  if (rejection.secretsTried !== undefined) {
    rows.push(['Secrets tried', String(rejection.secretsTried)]);
  }

  return (
    <Alert color="red" variant="light" title={`Rejected: ${rejection.message}`}>
      <Stack gap="sm">
        {rejection.likelyCause && (
          <Text size="sm" fw={600}>
            Likely cause: {rejection.likelyCause}
          </Text>
        )}
        <Table aria-label="Signature check" withRowBorders={false} verticalSpacing={2} fz="sm">
          <Table.Tbody>
            {rows.map(([name, value]) => (
              <Table.Tr key={name}>
                <Table.Th w={150} fw={500} c="dimmed">
                  {name}
                </Table.Th>
                <Table.Td>{value}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Alert>
  );
}
