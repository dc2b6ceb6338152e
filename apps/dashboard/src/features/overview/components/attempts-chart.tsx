import type { StatsBucket } from '@hookyard/contracts';
import { BarChart } from '@mantine/charts';
import { formatBucket } from '../overview-format';

interface Props {
  buckets: StatsBucket[];
  bucketSeconds: number;
}

const SERIES = [
  { name: 'succeeded', label: 'Succeeded (2xx)', color: 'teal.6' },
  { name: 'failed', label: 'Failed', color: 'red.6' },
];

/** Delivery attempts per bucket, stacked by outcome. */
export function AttemptsChart({ buckets, bucketSeconds }: Props) {
  const data = buckets.map((b) => ({ ...b, label: formatBucket(b.at, bucketSeconds) }));
  return (
    <BarChart
      h={240}
      data={data}
      dataKey="label"
      series={SERIES}
      type="stacked"
      withLegend
      yAxisProps={{ allowDecimals: false }}
      barChartProps={{ title: 'Delivery attempts per time bucket, succeeded and failed' }}
    />
  );
}
