import type { StatsRange, StatsResponse } from '@hookyard/contracts';
import { screen, within } from '@testing-library/react';
import { mockApi, renderWithProviders } from '../../test/render';
import { OverviewPage } from './pages/overview-page';

const HOUR = 3_600_000;
const ALPHA_ID = '00000000-0000-4000-8000-0000000000a1';

function stats(range: StatsRange, overrides: Partial<StatsResponse> = {}): StatsResponse {
  const since = Date.parse('2025-03-09T10:00:00.000Z');
  return {
    range,
    since: new Date(since).toISOString(),
    until: '2025-03-10T10:17:42.000Z',
    bucketSeconds: 3600,
    buckets: Array.from({ length: 25 }, (_, i) => ({
      at: new Date(since + i * HOUR).toISOString(),
      accepted: i === 20 ? 1200 : 0,
      rejected: i === 20 ? 34 : 0,
      succeeded: i === 20 ? 1150 : 0,
      failed: i === 20 ? 50 : 0,
    })),
    totals: {
      events: 1234,
      accepted: 1200,
      rejected: 34,
      attempts: 1200,
      succeeded: 1150,
      failed: 50,
    },
    successRate: 1150 / 1200,
    latency: { p50Ms: 42, p95Ms: 1530 },
    topFailingDestinations: [
      {
        id: ALPHA_ID,
        name: 'alpha',
        failedAttempts: 40,
        attempts: 60,
        failureRate: 40 / 60,
        lastError: 'HTTP 503',
        lastFailedAt: '2025-03-10T10:00:00.000Z',
      },
    ],
    ...overrides,
  };
}

const NOTHING: Partial<StatsResponse> = {
  buckets: [],
  totals: { events: 0, accepted: 0, rejected: 0, attempts: 0, succeeded: 0, failed: 0 },
  successRate: null,
  latency: { p50Ms: null, p95Ms: null },
  topFailingDestinations: [],
};

/** The value shown on the stat card named `label`. */
async function card(label: string): Promise<HTMLElement> {
  return screen.findByRole('region', { name: label });
}

/** The `range` of every stats request made so far. */
function requestedRanges(api: jest.Mock<Promise<Response>, [string, RequestInit?]>): string[] {
  return api.mock.calls
    .map(([url]) => new URL(url, 'http://dashboard.test'))
    .filter((url) => url.pathname === '/api/v1/stats')
    .map((url) => url.searchParams.get('range') ?? '');
}

// jsdom lays nothing out: give the charts' containers a size, so Recharts draws them.
beforeEach(() => {
  const measure = HTMLElement.prototype.getBoundingClientRect;
  jest.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (
    this: HTMLElement,
  ) {
    return this.classList.contains('recharts-responsive-container')
      ? DOMRect.fromRect({ width: 600, height: 240 })
      : measure.call(this);
  });
});
afterEach(() => jest.restoreAllMocks());

describe('OverviewPage', () => {
  it('shows the totals, success rate and latency percentiles the API counted', async () => {
    mockApi({ 'GET /api/v1/stats': () => ({ body: stats('24h') }) });
    renderWithProviders(<OverviewPage />, { route: '/overview' });

    const events = await card('Events');
    expect(within(events).getByText((1234).toLocaleString())).toBeInTheDocument();
    expect(
      within(events).getByText(`${(1200).toLocaleString()} accepted, 34 rejected`),
    ).toBeInTheDocument();
    const rate = await card('Success rate');
    expect(within(rate).getByText('95.8%')).toBeInTheDocument();
    expect(
      within(rate).getByText(`${(1150).toLocaleString()} of ${(1200).toLocaleString()} attempts`),
    ).toBeInTheDocument();
    expect(within(await card('p50 latency')).getByText('42 ms')).toBeInTheDocument();
    expect(within(await card('p95 latency')).getByText('1.53 s')).toBeInTheDocument();

    const volume = screen.getByRole('region', { name: 'Events by status' });
    expect(within(volume).getByText('Accepted')).toBeInTheDocument();
    expect(within(volume).getByText('Rejected')).toBeInTheDocument();
    // One bucket has attempts, of both outcomes: two bars.
    const outcomes = screen.getByRole('region', { name: 'Delivery attempts by outcome' });
    const bars = [...outcomes.querySelectorAll('.recharts-rectangle')];
    expect(bars.map((bar) => bar.getAttribute('name')).sort()).toEqual(['failed', 'succeeded']);
  });

  it('lists the top failing destinations, each linking to its failed deliveries', async () => {
    mockApi({ 'GET /api/v1/stats': () => ({ body: stats('24h') }) });
    renderWithProviders(<OverviewPage />, { route: '/overview' });

    const table = await screen.findByRole('table', { name: 'Top failing destinations' });
    const [, row] = within(table).getAllByRole('row');
    expect(within(row).getByText('40 of 60')).toBeInTheDocument();
    expect(within(row).getByText('66.7%')).toBeInTheDocument();
    expect(within(row).getByText('HTTP 503')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: 'Failed deliveries to alpha' })).toHaveAttribute(
      'href',
      `/deliveries/failed?destination=${ALPHA_ID}`,
    );
  });

  it('says nothing was received in the window when there is nothing to count', async () => {
    mockApi({ 'GET /api/v1/stats': () => ({ body: stats('24h', NOTHING) }) });
    renderWithProviders(<OverviewPage />, { route: '/overview' });

    expect(await screen.findByText('Nothing received in the last 24 hours')).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Success rate' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Set up a source' })).toHaveAttribute(
      'href',
      '/sources',
    );
  });

  it("shows the API's error and loads again on request", async () => {
    let fail = true;
    const api = mockApi({
      'GET /api/v1/stats': () =>
        fail
          ? {
              status: 503,
              body: { statusCode: 503, error: 'Service Unavailable', message: 'Database is down' },
            }
          : { body: stats('24h') },
    });
    const { user } = renderWithProviders(<OverviewPage />, { route: '/overview' });

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Could not load the overview')).toBeInTheDocument();
    expect(within(alert).getByText('Database is down')).toBeInTheDocument();

    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(within(await card('Success rate')).getByText('95.8%')).toBeInTheDocument();
    expect(requestedRanges(api)).toEqual(['24h', '24h']);
  });

  it('asks for the chosen range and shows its numbers', async () => {
    const api = mockApi({
      'GET /api/v1/stats': (_init, url) => {
        const range = url.searchParams.get('range') as StatsRange;
        return range === '7d'
          ? { body: stats('7d', { successRate: 0.5, latency: { p50Ms: 80, p95Ms: 900 } }) }
          : { body: stats(range) };
      },
    });
    const { user } = renderWithProviders(<OverviewPage />, { route: '/overview' });

    expect(within(await card('Success rate')).getByText('95.8%')).toBeInTheDocument();
    expect(requestedRanges(api)).toEqual(['24h']);

    const ranges = screen.getByRole('radiogroup', { name: 'Time range' });
    await user.click(within(ranges).getByRole('radio', { name: '7 days' }));

    expect(await within(await card('Success rate')).findByText('50%')).toBeInTheDocument();
    expect(within(await card('p95 latency')).getByText('900 ms')).toBeInTheDocument();
    expect(requestedRanges(api)).toEqual(['24h', '7d']);
    expect(within(ranges).getByRole('radio', { name: '7 days' })).toBeChecked();
  });

  it('takes the range from the address', async () => {
    const api = mockApi({ 'GET /api/v1/stats': () => ({ body: stats('1h', NOTHING) }) });
    renderWithProviders(<OverviewPage />, { route: '/overview?range=1h' });

    expect(await screen.findByText('Nothing received in the last hour')).toBeInTheDocument();
    expect(requestedRanges(api)).toEqual(['1h']);
    const ranges = screen.getByRole('radiogroup', { name: 'Time range' });
    expect(within(ranges).getByRole('radio', { name: '1 hour' })).toBeChecked();
  });
});
