import type { SourceResponse } from '@hookyard/contracts';
import { screen, within } from '@testing-library/react';
import { mockApi, renderWithProviders } from '../../../test/render';
import { SourcesPage } from './sources-page';

function source(overrides: Partial<SourceResponse>): SourceResponse {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'Repo hooks',
    slug: 'github',
    ingestUrl: 'http://localhost:3000/in/github',
    verification: { type: 'github', secretCount: 2 },
    maxBodyBytes: 1_048_576,
    dedupe: { mode: 'auto' },
    response: null,
    allowedIps: null,
    rateLimitPerSecond: null,
    handshake: { metaVerifyToken: false, zoomSecretToken: false },
    passthrough: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const GITHUB = source({});
const SLACK = source({
  id: '00000000-0000-4000-8000-000000000002',
  name: 'Slack app',
  slug: 'slack',
  verification: { type: 'slack', secretCount: 1 },
  passthrough: { timeoutMs: 2500 },
  rateLimitPerSecond: 5,
  allowedIps: ['203.0.113.0/24'],
});

function setUp() {
  return mockApi({
    'GET /api/v1/sources': () => ({ body: { data: [GITHUB, SLACK], nextCursor: null } }),
    [`POST /api/v1/sources/${GITHUB.id}/test`]: () => ({
      body: {
        eventId: '1a2b3c4d-0000-4000-8000-0000000000e1',
        statusCode: 202,
        body: { id: '1a2b3c4d-0000-4000-8000-0000000000e1' },
      },
    }),
    [`POST /api/v1/sources/${SLACK.id}/test`]: () => ({
      body: {
        eventId: null,
        statusCode: 429,
        body: {
          statusCode: 429,
          error: 'Too Many Requests',
          message: 'Source "slack" accepts at most 5 requests per second',
        },
      },
    }),
  });
}

const rowOf = async (name: string) =>
  (await screen.findByText(name, { selector: 'p' })).closest('tr') as HTMLElement;

describe('SourcesPage', () => {
  it('tells what a source does beyond verifying, under its slug', async () => {
    setUp();
    renderWithProviders(<SourcesPage />);

    expect(
      within(await rowOf('Slack app')).getByText(
        'passthrough (waits 2.50 s) · at most 5/s · IP allowlist',
      ),
    ).toBeInTheDocument();
    expect(within(await rowOf('Repo hooks')).queryByText(/passthrough/)).not.toBeInTheDocument();
  });

  it('sends a test event and says what the provider would have been answered', async () => {
    const api = setUp();
    const { user } = renderWithProviders(<SourcesPage />);
    const sendTestTo = async (name: string) =>
      user.click(
        within(await rowOf(name)).getByRole('button', { name: `Send test event to ${name}` }),
      );

    await sendTestTo('Repo hooks');
    expect(await screen.findByText('Test event accepted')).toBeInTheDocument();
    expect(
      screen.getByText('Repo hooks answered 202: event 1a2b3c4d, in Events'),
    ).toBeInTheDocument();
    expect(api).toHaveBeenCalledWith(
      `/api/v1/sources/${GITHUB.id}/test`,
      expect.objectContaining({ method: 'POST' }),
    );

    await sendTestTo('Slack app');
    expect(await screen.findByText('Test event answered 429')).toBeInTheDocument();
    expect(
      screen.getByText('Source "slack" accepts at most 5 requests per second'),
    ).toBeInTheDocument();
  });
});
