import type { DestinationResponse } from '@hookyard/contracts';
import { screen, within } from '@testing-library/react';
import { mockApi, renderWithProviders } from '../../../test/render';
import { DestinationsPage } from './destinations-page';

function destination(overrides: Partial<DestinationResponse>): DestinationResponse {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'CI',
    type: 'http',
    url: 'https://ci.example.com/hook',
    cli: null,
    timeoutMs: 10_000,
    retry: { maxAttempts: 9, initialDelayMs: 10_000, maxDelayMs: 43_200_000 },
    headers: {},
    rateLimitPerSecond: null,
    hasSigningSecret: false,
    paused: false,
    disabledAt: null,
    disabledReason: null,
    consecutiveFailures: 0,
    recentAttempts: {
      windowHours: 24,
      attempts: 0,
      succeeded: 0,
      successRate: null,
      p50DurationMs: null,
    },
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const ACTIVE = destination({
  recentAttempts: {
    windowHours: 24,
    attempts: 1204,
    succeeded: 1168,
    successRate: 1168 / 1204,
    p50DurationMs: 120,
  },
});
const PAUSED = destination({
  id: '00000000-0000-4000-8000-000000000002',
  name: 'Paused',
  paused: true,
});
const DISABLED = destination({
  id: '00000000-0000-4000-8000-000000000003',
  name: 'Gone',
  disabledAt: '2025-01-02T00:00:00.000Z',
  disabledReason: 'The destination answered 410 Gone',
  consecutiveFailures: 1,
  recentAttempts: {
    windowHours: 24,
    attempts: 1000,
    succeeded: 999,
    successRate: 0.999,
    p50DurationMs: 15,
  },
});

const LAPTOP = destination({
  id: '00000000-0000-4000-8000-000000000004',
  name: 'CLI ada@laptop',
  type: 'cli',
  url: 'http://localhost:3000/hooks',
  cli: {
    listener: 'ada@laptop',
    forwardTo: 'http://localhost:3000/hooks',
    connected: true,
    lastSeenAt: '2025-01-02T00:00:00.000Z',
  },
});
const DESKTOP = destination({
  id: '00000000-0000-4000-8000-000000000005',
  name: 'CLI bob@desktop',
  type: 'cli',
  url: 'http://localhost:8080/',
  cli: {
    listener: 'bob@desktop',
    forwardTo: 'http://localhost:8080/',
    connected: false,
    lastSeenAt: null,
  },
});

function setUp() {
  return mockApi({
    'GET /api/v1/destinations': () => ({
      body: { data: [ACTIVE, PAUSED, DISABLED, LAPTOP, DESKTOP], nextCursor: null },
    }),
    [`PATCH /api/v1/destinations/${ACTIVE.id}`]: () => ({ body: { ...ACTIVE, paused: true } }),
    [`PATCH /api/v1/destinations/${PAUSED.id}`]: () => ({ body: { ...PAUSED, paused: false } }),
    [`PATCH /api/v1/destinations/${DISABLED.id}`]: () => ({
      body: { ...DISABLED, disabledAt: null },
    }),
    [`POST /api/v1/destinations/${ACTIVE.id}/test`]: () => ({
      status: 202,
      body: { eventId: '00000000-0000-4000-8000-0000000000e1', deliveryId: 'x' },
    }),
  });
}

const rowOf = async (name: string) =>
  (await screen.findByText(name, { selector: 'p' })).closest('tr') as HTMLElement;
const bodyOf = (api: ReturnType<typeof setUp>, url: string) =>
  JSON.parse(String(api.mock.calls.find(([u]) => u === url)?.[1]?.body)) as unknown;

describe('DestinationsPage', () => {
  it('pauses an active destination, resumes a paused one and enables a disabled one', async () => {
    const api = setUp();
    const { user } = renderWithProviders(<DestinationsPage />);

    const active = await rowOf('CI');
    const paused = await rowOf('Paused');
    const gone = await rowOf('Gone');
    expect(within(active).getByText('healthy')).toBeInTheDocument();
    expect(within(gone).getByText('disabled')).toBeInTheDocument();
    expect(within(gone).queryByRole('button', { name: 'Pause' })).not.toBeInTheDocument();

    await user.click(within(active).getByRole('button', { name: 'Pause' }));
    await user.click(within(paused).getByRole('button', { name: 'Resume' }));
    await user.click(within(gone).getByRole('button', { name: 'Enable' }));

    expect(await screen.findByText('Destination enabled')).toBeInTheDocument();
    expect(bodyOf(api, `/api/v1/destinations/${ACTIVE.id}`)).toEqual({ paused: true });
    expect(bodyOf(api, `/api/v1/destinations/${PAUSED.id}`)).toEqual({ paused: false });
    expect(bodyOf(api, `/api/v1/destinations/${DISABLED.id}`)).toEqual({ disabled: false });
  });

  it('shows the success rate of the last 24 hours, rounded down, or that there were no attempts', async () => {
    setUp();
    renderWithProviders(<DestinationsPage />);

    const active = await rowOf('CI');
    expect(within(active).getByText(/^97% of 1,204 attempts \(24 h\)/)).toBeInTheDocument();
    expect(within(active).getByText(/median 120 ms/)).toBeInTheDocument();
    expect(
      within(await rowOf('Gone')).getByText(/^99% of 1,000 attempts \(24 h\)/),
    ).toBeInTheDocument();
    expect(within(await rowOf('Paused')).getByText('No attempts in 24 h')).toBeInTheDocument();
  });

  it('shows a CLI destination with who listens where, and whether it is connected', async () => {
    setUp();
    renderWithProviders(<DestinationsPage />);

    const laptop = await rowOf('CLI ada@laptop');
    expect(within(laptop).getByText('CLI')).toBeInTheDocument();
    expect(
      within(laptop).getByText('ada@laptop → http://localhost:3000/hooks'),
    ).toBeInTheDocument();
    expect(within(laptop).getByText('Connected')).toBeInTheDocument();
    const desktop = await rowOf('CLI bob@desktop');
    expect(within(desktop).getByText('bob@desktop → http://localhost:8080/')).toBeInTheDocument();
    expect(within(desktop).getByText('Offline')).toBeInTheDocument();
    expect(within(await rowOf('CI')).queryByText('CLI')).not.toBeInTheDocument();
    expect(within(await rowOf('CI')).getByText('https://ci.example.com/hook')).toBeInTheDocument();
  });

  it('sends a test event and says so', async () => {
    const api = setUp();
    const { user } = renderWithProviders(<DestinationsPage />);

    await user.click(within(await rowOf('CI')).getByRole('button', { name: 'Send test event' }));

    expect(await screen.findByText('Test event sent')).toBeInTheDocument();
    expect(api).toHaveBeenCalledWith(
      `/api/v1/destinations/${ACTIVE.id}/test`,
      expect.objectContaining({ method: 'POST' }),
    );
  });
});
