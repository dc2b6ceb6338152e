import type { CliListener, DestinationResponse, RecentAttempts } from '@hookyard/contracts';
import {
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  RingProgress,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmButton } from '../../../components/confirm-button';
import { EmptyListState, ErrorState, LoadingState } from '../../../components/page-states';
import { formatDuration, formatRelative, formatTime } from '../../../lib/format';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { DestinationForm } from '../components/destination-form';
import {
  useCreateDestination,
  useDeleteDestination,
  useDestinations,
  useSendTestEvent,
  useUpdateDestination,
} from '../use-destinations';

export function DestinationsPage() {
  const destinations = useDestinations();
  const create = useCreateDestination();
  const update = useUpdateDestination();
  const [creating, creation] = useDisclosure(false);
  const [editing, setEditing] = useState<DestinationResponse | null>(null);
  const list = destinations.data?.data ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Destinations</Title>
        <Button onClick={creation.open}>New destination</Button>
      </Group>
      <Text size="sm" c="dimmed">
        Where requests are forwarded, with retries. A destination that keeps failing (or answers 410
        Gone) is disabled until you enable it again. A CLI destination is registered by{' '}
        <Code>hookyard listen</Code>: its deliveries wait for that CLI and go to its machine.
      </Text>
      {destinations.isPending ? (
        <LoadingState label="Loading destinations…" />
      ) : destinations.isError ? (
        <ErrorState
          error={destinations.error}
          title="Could not load destinations"
          onRetry={() => void destinations.refetch()}
        />
      ) : list.length === 0 ? (
        <EmptyListState
          title="No destinations yet"
          description="Create one, then connect a source to it."
        >
          <Button variant="light" onClick={creation.open}>
            Create a destination
          </Button>
        </EmptyListState>
      ) : (
        <Table.ScrollContainer minWidth={860}>
          <Table aria-label="Destinations" verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Health</Table.Th>
                <Table.Th>Retry policy</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((destination) => (
                <DestinationRow
                  key={destination.id}
                  destination={destination}
                  onEdit={() => setEditing(destination)}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={`Edit ${editing?.name ?? 'destination'}`}
        size="xl"
      >
        {editing && (
          <DestinationForm
            destination={editing}
            onSubmit={(patch) => update.mutateAsync({ id: editing.id, patch })}
            onCancel={() => setEditing(null)}
            onCreated={(destination) => {
              notifySuccess('Destination saved', destination.name);
              setEditing(null);
            }}
          />
        )}
      </Modal>
      <Modal opened={creating} onClose={creation.close} title="New destination" size="xl">
        <DestinationForm
          onSubmit={create.mutateAsync}
          onCancel={creation.close}
          onCreated={(destination) => {
            notifySuccess('Destination created', destination.name);
            creation.close();
          }}
        />
      </Modal>
    </Stack>
  );
}

export function HealthBadge({ destination }: { destination: DestinationResponse }) {
  if (destination.disabledAt) {
    return (
      <Tooltip
        label={`${destination.disabledReason ?? 'Disabled'} (${formatTime(destination.disabledAt)})`}
        multiline
        maw={320}
        withArrow
      >
        <Badge color="red">disabled</Badge>
      </Tooltip>
    );
  }
  if (destination.paused) return <Badge color="yellow">paused</Badge>;
  if (destination.consecutiveFailures > 0) {
    return <Badge color="orange">{destination.consecutiveFailures} failing in a row</Badge>;
  }
  return <Badge color="teal">healthy</Badge>;
}

/** A CLI destination: who listens, where it forwards, and whether its stream is open now. */
export function CliListenerInfo({ cli }: { cli: CliListener }) {
  const seen = cli.lastSeenAt ? `last seen ${formatRelative(cli.lastSeenAt)}` : 'never connected';
  return (
    <Stack gap={4} align="flex-start">
      <Group gap={6} wrap="nowrap">
        <Badge color="grape" variant="light">
          CLI
        </Badge>
        {cli.connected ? (
          <Badge color="teal" variant="dot">
            Connected
          </Badge>
        ) : (
          <Tooltip label={seen} withArrow>
            <Badge color="gray" variant="dot">
              Offline
            </Badge>
          </Tooltip>
        )}
      </Group>
      <Code style={{ wordBreak: 'break-all' }}>
        {cli.listener} → {cli.forwardTo}
      </Code>
    </Stack>
  );
}

/** The share of the recent attempts that got a 2xx: a ring, and the same in words. */
export function RecentSuccessRate({ recent }: { recent: RecentAttempts }) {
  const period = `${recent.windowHours} h`;
  if (recent.attempts === 0) {
    return (
      <Text size="xs" c="dimmed">
        No attempts in {period}
      </Text>
    );
  }
  // Rounded down, so that one failure in thousands never shows as 100%.
  const percent = Math.floor((recent.succeeded * 100) / recent.attempts);
  const color = percent >= 95 ? 'teal' : percent >= 80 ? 'yellow' : 'red';
  return (
    <Group gap={6} wrap="nowrap">
      <RingProgress
        aria-hidden
        size={30}
        thickness={4}
        roundCaps
        sections={[{ value: percent, color }]}
      />
      <Text size="xs">
        {percent}% of {recent.attempts.toLocaleString()}{' '}
        {recent.attempts === 1 ? 'attempt' : 'attempts'} ({period})
        {recent.p50DurationMs !== null && (
          <Text span size="xs" c="dimmed">
            {' '}
            · median {formatDuration(recent.p50DurationMs)}
          </Text>
        )}
      </Text>
    </Group>
  );
}

interface RowProps {
  destination: DestinationResponse;
  onEdit: () => void;
}

function DestinationRow({ destination, onEdit }: RowProps) {
  const update = useUpdateDestination();
  const remove = useDeleteDestination();
  const test = useSendTestEvent();
  const { name, retry } = destination;

  const patch = (change: { paused: boolean } | { disabled: false }, done: string) =>
    update.mutate(
      { id: destination.id, patch: change },
      {
        onSuccess: () => notifySuccess(done, name),
        onError: (error) => notifyError(`Could not update ${name}`, error),
      },
    );

  return (
    <Table.Tr>
      <Table.Td maw={360}>
        <Text fw={600}>{name}</Text>
        {destination.cli ? (
          <CliListenerInfo cli={destination.cli} />
        ) : (
          <Code style={{ wordBreak: 'break-all' }}>{destination.url}</Code>
        )}
        <Text size="xs" c="dimmed">
          {[
            `timeout ${formatDuration(destination.timeoutMs)}`,
            destination.rateLimitPerSecond ? `${destination.rateLimitPerSecond}/s` : null,
            destination.hasSigningSecret ? 'signed' : null,
            Object.keys(destination.headers).length > 0
              ? `${Object.keys(destination.headers).length} extra headers`
              : null,
          ]
            .filter(Boolean)
            .join(' · ')}
        </Text>
      </Table.Td>
      <Table.Td>
        <Stack gap={4} align="flex-start">
          <HealthBadge destination={destination} />
          {destination.disabledAt && (
            <Text size="xs" c="dimmed">
              since {formatRelative(destination.disabledAt)}
            </Text>
          )}
          <RecentSuccessRate recent={destination.recentAttempts} />
          <Anchor
            component={Link}
            to={`/deliveries/failed?destination=${destination.id}`}
            size="xs"
          >
            Failed deliveries
          </Anchor>
        </Stack>
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          {retry.maxAttempts} attempts, {formatDuration(retry.initialDelayMs)} →{' '}
          {formatDuration(retry.maxDelayMs)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Button
            size="compact-sm"
            variant="light"
            loading={test.isPending}
            onClick={() =>
              test.mutate(destination.id, {
                onSuccess: ({ eventId }) =>
                  notifySuccess(
                    'Test event sent',
                    `Event ${eventId.slice(0, 8)} is on its way to ${name}`,
                  ),
                onError: (error) => notifyError('Could not send a test event', error),
              })
            }
          >
            Send test event
          </Button>
          {destination.disabledAt ? (
            <Button
              size="compact-sm"
              color="teal"
              loading={update.isPending}
              onClick={() => patch({ disabled: false }, 'Destination enabled')}
            >
              Enable
            </Button>
          ) : destination.paused ? (
            <Button
              size="compact-sm"
              color="teal"
              variant="light"
              loading={update.isPending}
              onClick={() => patch({ paused: false }, 'Destination resumed')}
            >
              Resume
            </Button>
          ) : (
            <Button
              size="compact-sm"
              color="yellow"
              variant="light"
              loading={update.isPending}
              onClick={() => patch({ paused: true }, 'Destination paused')}
            >
              Pause
            </Button>
          )}
          <Button size="compact-sm" variant="subtle" onClick={onEdit} aria-label={`Edit ${name}`}>
            Edit
          </Button>
          <ConfirmButton
            size="compact-sm"
            variant="subtle"
            aria-label={`Delete ${name}`}
            title={`Delete the destination ${name}?`}
            message="Its pending deliveries are cancelled; its history is kept."
            confirmLabel="Delete"
            onConfirm={() =>
              remove.mutate(destination.id, {
                onSuccess: () => notifySuccess('Destination deleted', name),
                onError: (error) => notifyError('Could not delete the destination', error),
              })
            }
          >
            Delete
          </ConfirmButton>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
