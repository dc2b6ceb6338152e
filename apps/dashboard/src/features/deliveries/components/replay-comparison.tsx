import type { AttemptResponse } from '@hookyard/contracts';
import { Badge, Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { BodyViewer } from '../../../components/body-viewer';
import { HeadersTable } from '../../../components/headers-table';
import { ErrorState, LoadingState } from '../../../components/page-states';
import { StatusCodeBadge } from '../../../components/status-badges';
import { formatDuration, formatTime, headerValue } from '../../../lib/format';
import { useAwaitedDelivery } from '../use-deliveries';
import { ERROR_KINDS } from './attempts-timeline';

interface Props {
  /** The event's delivery the replay is compared with; null when none was ever tried. */
  originalId: string | null;
  replayId: string;
}

/** The original delivery's latest answer beside the replay's, once the replay has one. */
export function ReplayComparison({ originalId, replayId }: Props) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <DeliverySide
        label="Original"
        deliveryId={originalId}
        waiting="Loading the original delivery…"
      />
      <DeliverySide
        label="Replay"
        deliveryId={replayId}
        waiting="Waiting for the replay's answer…"
      />
    </SimpleGrid>
  );
}

interface SideProps {
  label: 'Original' | 'Replay';
  deliveryId: string | null;
  waiting: string;
}

function DeliverySide({ label, deliveryId, waiting }: SideProps) {
  const delivery = useAwaitedDelivery(deliveryId);
  const latest = delivery.data?.attempts.reduce<AttemptResponse | null>(
    (last, a) => (last === null || a.n > last.n ? a : last),
    null,
  );

  return (
    <Card withBorder padding="sm" component="section" aria-label={`${label} response`}>
      <Stack gap="xs">
        <Group gap="xs">
          <Text fw={600}>{label}</Text>
          {latest && <AttemptOutcome attempt={latest} />}
        </Group>
        {deliveryId === null ? (
          <Text size="sm" c="dimmed">
            The stored request was never delivered: there is no response to compare.
          </Text>
        ) : delivery.isError ? (
          <ErrorState error={delivery.error} title={`Could not load the ${label.toLowerCase()}`} />
        ) : !latest ? (
          <LoadingState label={waiting} />
        ) : (
          <AttemptDetails attempt={latest} label={label} />
        )}
      </Stack>
    </Card>
  );
}

function AttemptOutcome({ attempt }: { attempt: AttemptResponse }) {
  return (
    <>
      {attempt.statusCode !== null || !attempt.errorKind ? (
        <StatusCodeBadge code={attempt.statusCode} />
      ) : (
        <Badge color="red" variant="filled" tt="none">
          {ERROR_KINDS[attempt.errorKind]}
        </Badge>
      )}
      <Text size="sm" c="dimmed">
        {formatDuration(attempt.durationMs)}
      </Text>
    </>
  );
}

function AttemptDetails({ attempt, label }: { attempt: AttemptResponse; label: string }) {
  const name = label.toLowerCase();
  return (
    <>
      <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
        Attempt {attempt.n} · {formatTime(attempt.at)} · {attempt.url}
      </Text>
      {attempt.error && (
        <Text size="sm" c="red">
          {attempt.error}
        </Text>
      )}
      <Text size="sm" fw={500}>
        Response headers
      </Text>
      {attempt.responseHeaders ? (
        <HeadersTable headers={attempt.responseHeaders} label={`${label} response headers`} />
      ) : (
        <Text size="sm" c="dimmed">
          No response
        </Text>
      )}
      <Text size="sm" fw={500}>
        Response body
      </Text>
      <BodyViewer
        body={attempt.responseBody ?? ''}
        encoding={attempt.responseBodyEncoding ?? 'utf8'}
        contentType={headerValue(attempt.responseHeaders, 'content-type')}
        name={`${name} response body`}
      />
    </>
  );
}
