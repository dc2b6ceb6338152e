import type { SourceResponse, SourceTestResponse } from '@hookyard/contracts';
import {
  ActionIcon,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button';
import { EmptyListState, ErrorState, LoadingState } from '../../../components/page-states';
import { ApiError, isApiErrorBody } from '../../../lib/api-client';
import { formatBytes, formatDuration } from '../../../lib/format';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { SourceForm, VERIFICATION_LABELS } from '../components/source-form';
import {
  useCreateSource,
  useDeleteSource,
  useSendSourceTest,
  useSources,
  useUpdateSource,
} from '../use-sources';

export function SourcesPage() {
  const sources = useSources();
  const create = useCreateSource();
  const remove = useDeleteSource();
  const update = useUpdateSource();
  const [creating, creation] = useDisclosure(false);
  const [editing, setEditing] = useState<SourceResponse | null>(null);

  const list = sources.data?.data ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Sources</Title>
        <Button onClick={creation.open}>New source</Button>
      </Group>
      <Text size="sm" c="dimmed">
        Point a provider at a source&apos;s ingest URL. Every request is verified, stored and
        forwarded to the destinations connected to it.
      </Text>
      {sources.isPending ? (
        <LoadingState label="Loading sources…" />
      ) : sources.isError ? (
        <ErrorState
          error={sources.error}
          title="Could not load sources"
          onRetry={() => void sources.refetch()}
        />
      ) : list.length === 0 ? (
        <EmptyListState title="No sources yet" description="Create one to get an ingest URL.">
          <Button variant="light" onClick={creation.open}>
            Create a source
          </Button>
        </EmptyListState>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Sources" verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Ingest URL</Table.Th>
                <Table.Th>Verification</Table.Th>
                <Table.Th>Body limit</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((source) => (
                <SourceRow
                  key={source.id}
                  source={source}
                  onEdit={() => setEditing(source)}
                  onDelete={() =>
                    remove.mutate(source.id, {
                      onSuccess: () => notifySuccess('Source deleted', source.name),
                      onError: (error) => notifyError('Could not delete the source', error),
                    })
                  }
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={`Edit ${editing?.name ?? 'source'}`}
        size="lg"
      >
        {editing && (
          <SourceForm
            source={editing}
            onSubmit={(patch) => update.mutateAsync({ id: editing.id, patch })}
            onCancel={() => setEditing(null)}
            onCreated={(source) => {
              notifySuccess('Source saved', source.name);
              setEditing(null);
            }}
          />
        )}
      </Modal>
      <Modal opened={creating} onClose={creation.close} title="New source" size="lg">
        <SourceForm
          onSubmit={create.mutateAsync}
          onCancel={creation.close}
          onCreated={(source) => {
            notifySuccess('Source created', source.ingestUrl);
            creation.close();
          }}
        />
      </Modal>
    </Stack>
  );
}

interface RowProps {
  source: SourceResponse;
  onEdit: () => void;
  onDelete: () => void;
}

/** What a source does beyond verifying: shown under its slug, so the list tells it at a glance. */
function settingsOf(source: SourceResponse): string[] {
  return [
    source.passthrough && `passthrough (waits ${formatDuration(source.passthrough.timeoutMs)})`,
    source.rateLimitPerSecond !== null && `at most ${source.rateLimitPerSecond}/s`,
    source.allowedIps !== null && 'IP allowlist',
    source.response !== null && `answers ${source.response.statusCode}`,
  ].filter((setting): setting is string => typeof setting === 'string');
}

/** The ingest's answer to a test event, as a toast: what the provider would have been told. */
function notifyTestOutcome(name: string, { eventId, statusCode, body }: SourceTestResponse) {
  if (statusCode < 300) {
    const event = eventId ? `event ${eventId.slice(0, 8)}, in Events` : 'no event stored';
    notifySuccess('Test event accepted', `${name} answered ${statusCode}: ${event}`);
    return;
  }
  const refusal = isApiErrorBody(body)
    ? new ApiError(body)
    : new Error(typeof body === 'string' ? body : JSON.stringify(body));
  notifyError(`Test event answered ${statusCode}`, refusal);
}

function SourceRow({ source, onEdit, onDelete }: RowProps) {
  const { verification } = source;
  const test = useSendSourceTest();
  const settings = settingsOf(source);
  return (
    <Table.Tr>
      <Table.Td>
        <Text fw={600}>{source.name}</Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {source.slug}
        </Text>
        {settings.length > 0 && (
          <Text size="xs" c="dimmed">
            {settings.join(' · ')}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Code style={{ wordBreak: 'break-all' }}>{source.ingestUrl}</Code>
          <CopyButton value={source.ingestUrl}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
                <ActionIcon
                  variant="subtle"
                  color={copied ? 'teal' : 'gray'}
                  onClick={copy}
                  aria-label={`Copy the ingest URL of ${source.name}`}
                >
                  <span aria-hidden>{copied ? '✓' : '⧉'}</span>
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{VERIFICATION_LABELS[verification.type]}</Text>
        {verification.type !== 'none' && (
          <Text size="xs" c="dimmed">
            {verification.secretCount} {verification.secretCount === 1 ? 'secret' : 'secrets'}
            {verification.header ? ` · ${verification.header}` : ''}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{formatBytes(source.maxBodyBytes)}</Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Button
            size="compact-xs"
            variant="light"
            loading={test.isPending}
            aria-label={`Send test event to ${source.name}`}
            onClick={() =>
              test.mutate(source.id, {
                onSuccess: (result) => notifyTestOutcome(source.name, result),
                onError: (error) => notifyError('Could not send a test event', error),
              })
            }
          >
            Send test event
          </Button>
          <Button
            size="compact-xs"
            variant="subtle"
            onClick={onEdit}
            aria-label={`Edit ${source.name}`}
          >
            Edit
          </Button>
          <ConfirmButton
            size="compact-xs"
            variant="subtle"
            aria-label={`Delete ${source.name}`}
            title={`Delete the source ${source.name}?`}
            message="Its ingest URL stops answering at once. Its captured events are kept."
            confirmLabel="Delete"
            onConfirm={onDelete}
          >
            Delete
          </ConfirmButton>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
