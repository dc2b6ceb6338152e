import type { EventResponse, SourceResponse } from '@hookyard/contracts';
import {
  Anchor,
  Breadcrumbs,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { BodyViewer } from '../../../components/body-viewer';
import { HeadersTable } from '../../../components/headers-table';
import { EmptyListState, ErrorState, LoadingState } from '../../../components/page-states';
import { MethodBadge, VerificationBadge } from '../../../components/status-badges';
import { ApiError } from '../../../lib/api-client';
import { toCurl } from '../../../lib/curl';
import { formatBytes, formatRelative, formatTime } from '../../../lib/format';
import { DeliveryPanel } from '../../deliveries/components/delivery-panel';
import { EditReplayModal } from '../../deliveries/components/edit-replay-modal';
import { ReplayForm } from '../../deliveries/components/replay-form';
import { useDestinations } from '../../destinations/use-destinations';
import { useSources } from '../../sources/use-sources';
import { RejectionPanel } from '../components/rejection-panel';
import { requestTarget } from '../components/events-table';
import { useEvent } from '../use-events';

/** Where the captured request was sent: the source's ingest URL, plus sub-path and query. */
function ingestUrlOf(event: EventResponse, source: SourceResponse | undefined): string {
  const base = source?.ingestUrl ?? `${window.location.origin}/in/unknown`;
  const path = event.path === '/' ? '' : event.path;
  return `${base.replace(/\/$/, '')}${path}${event.query ? `?${event.query}` : ''}`;
}

export function EventPage() {
  const { eventId = '' } = useParams();
  const event = useEvent(eventId);
  const sources = useSources();
  const destinations = useDestinations();
  const [editing, editor] = useDisclosure(false);

  if (event.isPending) return <LoadingState label="Loading the event…" />;
  if (event.isError) {
    return event.error instanceof ApiError && event.error.statusCode === 404 ? (
      <EmptyListState title="No such event" description="It may have been pruned.">
        <Anchor component={Link} to="/events">
          Back to events
        </Anchor>
      </EmptyListState>
    ) : (
      <ErrorState
        error={event.error}
        title="Could not load the event"
        onRetry={() => void event.refetch()}
      />
    );
  }

  const e = event.data;
  const source = sources.data?.data.find((s) => s.id === e.sourceId);
  const destinationsById = new Map((destinations.data?.data ?? []).map((d) => [d.id, d]));
  const curl = toCurl({
    method: e.method,
    url: ingestUrlOf(e, source),
    headers: e.headers,
    body: e.body,
    bodyEncoding: e.bodyEncoding,
  });

  return (
    <Stack gap="lg">
      <Breadcrumbs>
        <Anchor component={Link} to="/events">
          Events
        </Anchor>
        <Text size="sm" ff="monospace">
          {e.id}
        </Text>
      </Breadcrumbs>

      <Stack gap="xs">
        <Group gap="sm" wrap="nowrap" align="center">
          <MethodBadge method={e.method} />
          <Title order={2} ff="monospace" fz="h3" style={{ wordBreak: 'break-all' }}>
            {requestTarget(e, source)}
          </Title>
        </Group>
        <Group gap="xs">
          <VerificationBadge event={e} />
          <Text size="sm" c="dimmed">
            {formatTime(e.receivedAt)} ({formatRelative(e.receivedAt)})
          </Text>
        </Group>
      </Stack>

      <Card withBorder>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm" verticalSpacing="xs">
          <Fact label="Source">
            {e.sourceId === null ? 'test event' : (source?.name ?? 'deleted source')}
          </Fact>
          <Fact label="Content type">{e.contentType ?? '—'}</Fact>
          <Fact label="Size">{formatBytes(e.size)}</Fact>
          <Fact label="From">{e.sourceIp ?? '—'}</Fact>
          <Fact label="Dedupe key">{e.dedupeKey ?? '—'}</Fact>
          <Fact label="Handshake">{e.handshake ?? '—'}</Fact>
        </SimpleGrid>
      </Card>

      {e.rejection && <RejectionPanel rejection={e.rejection} />}

      <Tabs defaultValue="body" keepMounted={false}>
        <Group justify="space-between" wrap="wrap">
          <Tabs.List>
            <Tabs.Tab value="body">Body</Tabs.Tab>
            <Tabs.Tab value="headers">Headers ({Object.keys(e.headers).length})</Tabs.Tab>
          </Tabs.List>
          <CopyButton value={curl}>
            {({ copied, copy }) => (
              <Button
                size="xs"
                variant="light"
                color={copied ? 'teal' : undefined}
                onClick={copy}
                aria-label="Copy as curl"
              >
                {copied ? 'Copied' : 'Copy as curl'}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Tabs.Panel value="body" pt="sm">
          <BodyViewer body={e.body} encoding={e.bodyEncoding} contentType={e.contentType} />
        </Tabs.Panel>
        <Tabs.Panel value="headers" pt="sm">
          <HeadersTable headers={e.headers} label="Request headers" />
        </Tabs.Panel>
      </Tabs>

      <Stack gap="sm">
        <Title order={3}>Deliveries</Title>
        {e.deliveries.length === 0 ? (
          <Text size="sm" c="dimmed">
            {e.status === 'rejected'
              ? 'A rejected request is not forwarded.'
              : 'No destination was connected to this source when the request arrived.'}
          </Text>
        ) : (
          e.deliveries.map((d) => (
            <DeliveryPanel
              key={d.id}
              delivery={d}
              destinationName={
                d.destinationId ? (destinationsById.get(d.destinationId)?.name ?? null) : null
              }
            />
          ))
        )}
      </Stack>

      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={3}>Replay</Title>
          <Button variant="light" onClick={editor.open}>
            Edit and replay
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          Send this request again, byte for byte, to a destination or to any URL; or change its
          headers or body first, and compare the answers.
        </Text>
        <ReplayForm eventId={e.id} destinations={destinations.data?.data ?? []} />
        <EditReplayModal
          event={e}
          destinations={destinations.data?.data ?? []}
          opened={editing}
          onClose={editor.close}
        />
      </Stack>
    </Stack>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Code bg="transparent" p={0} fz="sm" style={{ wordBreak: 'break-all' }}>
        {children}
      </Code>
    </div>
  );
}
