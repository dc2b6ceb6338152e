import type { StatsBucket } from '@hookyard/contracts';
import { AreaChart } from '@mantine/charts';
import { formatBucket } from '../overview-format';

interface Props {
  buckets: StatsBucket[];
  bucketSeconds: number;
}

const SERIES = [
  { name: 'accepted', label: 'Accepted', color: 'teal.6' },
  { name: 'rejected', label: 'Rejected', color: 'red.6' },
];

/** Requests received per bucket, stacked by whether they were accepted or rejected. */
export function EventsChart({ buckets, bucketSeconds }: Props) {
  const data = buckets.map((b) => ({ ...b, label: formatBucket(b.at, bucketSeconds) }));
  return (
    <AreaChart
      h={240}
      data={data}
      dataKey="label"
      series={SERIES}
      type="stacked"
      curveType="monotone"
      withLegend
      withDots={false}
      yAxisProps={{ allowDecimals: false }}
      areaChartProps={{ title: 'Events received per time bucket, accepted and rejected' }}
    />
  );
}
