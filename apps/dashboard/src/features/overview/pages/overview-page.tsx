import { STATS_RANGES, type StatsRange, type StatsResponse } from '@hookyard/contracts';
import { Anchor, Group, Loader, SegmentedControl, SimpleGrid, Stack, Title } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { EmptyListState, ErrorState, LoadingState } from '../../../components/page-states';
import { formatDuration } from '../../../lib/format';
import { AttemptsChart } from '../components/attempts-chart';
import { EventsChart } from '../components/events-chart';
import { FailingDestinationsTable } from '../components/failing-destinations-table';
import { Panel } from '../components/panel';
import { StatCard } from '../components/stat-card';
import { RANGE_LABELS, formatRate } from '../overview-format';
import { useStats } from '../use-stats';

const DEFAULT_RANGE: StatsRange = '24h';

function isRange(value: string | null): value is StatsRange {
  return (STATS_RANGES as readonly (string | null)[]).includes(value);
}

const latency = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));

/** Volume, success rate, latency and the failing destinations over a window (`?range=`). */
export function OverviewPage() {
  const [params, setParams] = useSearchParams();
  const requested = params.get('range');
  const range = isRange(requested) ? requested : DEFAULT_RANGE;
  const stats = useStats({ range });

  const setRange = (value: string) => {
    const next = new URLSearchParams(params);
    if (value === DEFAULT_RANGE) next.delete('range');
    else next.set('range', value);
    setParams(next, { replace: true });
  };

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm">
          <Title order={2}>Overview</Title>
          {stats.isFetching && !stats.isPending && <Loader size="xs" aria-label="Refreshing" />}
        </Group>
        <SegmentedControl
          aria-label="Time range"
          value={range}
          onChange={setRange}
          data={STATS_RANGES.map((r) => ({ value: r, label: RANGE_LABELS[r].option }))}
        />
      </Group>

      {stats.isPending ? (
        <LoadingState label="Loading the overview…" />
      ) : stats.isError ? (
        <ErrorState
          error={stats.error}
          title="Could not load the overview"
          onRetry={() => void stats.refetch()}
        />
      ) : stats.data.totals.events === 0 && stats.data.totals.attempts === 0 ? (
        <EmptyListState
          title={`Nothing received in ${RANGE_LABELS[stats.data.range].window}`}
          description="Requests sent to a source's URL, and their deliveries, will be counted here."
        >
          <Anchor component={Link} to="/sources" size="sm">
            Set up a source
          </Anchor>
        </EmptyListState>
      ) : (
        <OverviewPanels stats={stats.data} />
      )}
    </Stack>
  );
}

interface PanelsProps {
  stats: StatsResponse;
}

function OverviewPanels({ stats }: PanelsProps) {
  const { totals, latency: durations } = stats;
  return (
    <>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <StatCard
          label="Events"
          value={totals.events.toLocaleString()}
          hint={`${totals.accepted.toLocaleString()} accepted, ${totals.rejected.toLocaleString()} rejected`}
        />
        <StatCard
          label="Success rate"
          value={formatRate(stats.successRate)}
          hint={`${totals.succeeded.toLocaleString()} of ${totals.attempts.toLocaleString()} attempts`}
        />
        <StatCard label="p50 latency" value={latency(durations.p50Ms)} hint="Median attempt" />
        <StatCard label="p95 latency" value={latency(durations.p95Ms)} hint="95th percentile" />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Panel title="Events by status">
          <EventsChart buckets={stats.buckets} bucketSeconds={stats.bucketSeconds} />
        </Panel>
        <Panel title="Delivery attempts by outcome">
          <AttemptsChart buckets={stats.buckets} bucketSeconds={stats.bucketSeconds} />
        </Panel>
      </SimpleGrid>
      <Panel title="Top failing destinations">
        <FailingDestinationsTable destinations={stats.topFailingDestinations} />
      </Panel>
    </>
  );
}
