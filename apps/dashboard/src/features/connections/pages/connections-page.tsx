import { Card, Code, Stack, Table, Text, Title } from '@mantine/core';
import { ConfirmButton } from '../../../components/confirm-button';
import { EmptyListState, ErrorState, LoadingState } from '../../../components/page-states';
import { formatRelative } from '../../../lib/format';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useDestinations } from '../../destinations/use-destinations';
import { useSources } from '../../sources/use-sources';
import { ConnectionForm } from '../components/connection-form';
import { useConnections, useCreateConnection, useDeleteConnection } from '../use-connections';

export function ConnectionsPage() {
  const connections = useConnections();
  const sources = useSources();
  const destinations = useDestinations();
  const create = useCreateConnection();
  const remove = useDeleteConnection();

  const sourceList = sources.data?.data ?? [];
  const destinationList = destinations.data?.data ?? [];
  const sourceName = new Map(sourceList.map((s) => [s.id, s.name]));
  const destinationName = new Map(destinationList.map((d) => [d.id, d.name]));
  const list = connections.data?.data ?? [];

  return (
    <Stack>
      <Title order={2}>Connections</Title>
      <Text size="sm" c="dimmed">
        Every request a source accepts fans out to each destination connected to it.
      </Text>
      <Card withBorder>
        <Title order={3} fz="h4" mb="sm">
          New connection
        </Title>
        <ConnectionForm
          sources={sourceList}
          destinations={destinationList}
          onSubmit={create.mutateAsync}
          onCreated={() => notifySuccess('Connected')}
        />
      </Card>
      {connections.isPending ? (
        <LoadingState label="Loading connections…" />
      ) : connections.isError ? (
        <ErrorState
          error={connections.error}
          title="Could not load connections"
          onRetry={() => void connections.refetch()}
        />
      ) : list.length === 0 ? (
        <EmptyListState
          title="No connections yet"
          description="Requests are stored but not forwarded until their source is connected."
        />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Connections" verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Source</Table.Th>
                <Table.Th>Destination</Table.Th>
                <Table.Th>Filter</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((c) => {
                const label = `${sourceName.get(c.sourceId) ?? 'deleted source'} → ${
                  destinationName.get(c.destinationId) ?? 'deleted destination'
                }`;
                return (
                  <Table.Tr key={c.id}>
                    <Table.Td>{sourceName.get(c.sourceId) ?? 'deleted source'}</Table.Td>
                    <Table.Td>
                      {destinationName.get(c.destinationId) ?? 'deleted destination'}
                    </Table.Td>
                    <Table.Td>
                      {c.filter ? (
                        <Code block fz="xs">
                          {JSON.stringify(c.filter, null, 2)}
                        </Code>
                      ) : (
                        <Text size="sm" c="dimmed">
                          everything
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{formatRelative(c.createdAt)}</Table.Td>
                    <Table.Td>
                      <ConfirmButton
                        size="compact-xs"
                        variant="subtle"
                        aria-label={`Delete the connection ${label}`}
                        title="Delete this connection?"
                        message={`${label}: new requests from this source stop going to this destination.`}
                        confirmLabel="Delete"
                        onConfirm={() =>
                          remove.mutate(c.id, {
                            onSuccess: () => notifySuccess('Connection deleted', label),
                            onError: (error) => notifyError('Could not delete it', error),
                          })
                        }
                      >
                        Delete
                      </ConfirmButton>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
