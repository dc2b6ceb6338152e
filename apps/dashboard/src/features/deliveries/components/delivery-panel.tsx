import type { DeliverySummary } from '@hookyard/contracts';
import { Button, Card, Group, Stack, Text } from '@mantine/core';
import { DeliveryStatusBadge, StatusCodeBadge } from '../../../components/status-badges';
import { ErrorState, LoadingState } from '../../../components/page-states';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useCancelDelivery, useDelivery, useRetryDelivery } from '../use-deliveries';
import { AttemptsTimeline } from './attempts-timeline';

interface Props {
  delivery: DeliverySummary;
  /** The destination's name; null for a replay to a URL or a deleted destination. */
  destinationName: string | null;
}

/** One delivery of an event: where it goes, its state, its attempts, and Retry. */
export function DeliveryPanel({ delivery, destinationName }: Props) {
  const detail = useDelivery(delivery.id);
  const retry = useRetryDelivery();
  const cancel = useCancelDelivery();
  const target =
    destinationName ??
    (detail.data?.url
      ? `URL ${detail.data.url}`
      : delivery.destinationId
        ? 'deleted destination'
        : '…');
  const busy = delivery.status === 'delivering' || delivery.status === 'scheduled';

  return (
    <Card withBorder padding="md" component="section" aria-label={`Delivery to ${target}`}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Group gap="sm">
            <Text fw={600}>{target}</Text>
            <DeliveryStatusBadge status={delivery.status} />
            {delivery.lastStatusCode !== null && <StatusCodeBadge code={delivery.lastStatusCode} />}
            <Text size="sm" c="dimmed">
              {delivery.attempts} {delivery.attempts === 1 ? 'attempt' : 'attempts'}
            </Text>
          </Group>
          <Group gap="xs">
            {(delivery.status === 'scheduled' || delivery.status === 'failed') && (
              <Button
                size="xs"
                variant="subtle"
                color="gray"
                loading={cancel.isPending}
                onClick={() =>
                  cancel.mutate(delivery.id, {
                    onSuccess: () => notifySuccess('Delivery cancelled', target),
                    onError: (error) => notifyError('Could not cancel', error),
                  })
                }
              >
                Cancel delivery
              </Button>
            )}
            <Button
              size="xs"
              disabled={busy}
              loading={retry.isPending}
              onClick={() =>
                retry.mutate(delivery.id, {
                  onSuccess: () => notifySuccess('Retry scheduled', `${target}: trying again now`),
                  onError: (error) => notifyError('Could not retry', error),
                })
              }
            >
              Retry
            </Button>
          </Group>
        </Group>
        {detail.isPending ? (
          <LoadingState label="Loading attempts…" />
        ) : detail.isError ? (
          <ErrorState error={detail.error} title="Could not load the attempts" />
        ) : (
          <AttemptsTimeline
            attempts={detail.data.attempts}
            status={delivery.status}
            nextAttemptAt={delivery.nextAttemptAt}
          />
        )}
      </Stack>
    </Card>
  );
}
