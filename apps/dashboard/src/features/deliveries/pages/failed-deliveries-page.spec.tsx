import type { DeliveryResponse } from '@hookyard/contracts';
import { screen, within } from '@testing-library/react';
import { mockApi, renderWithProviders } from '../../../test/render';
import { FailedDeliveriesPage } from './failed-deliveries-page';

function dead(i: number): DeliveryResponse {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return {
    id,
    eventId: id,
    destinationId: null,
    url: 'http://127.0.0.1:9/hook',
    status: 'dead',
    attemptCount: 9,
    nextAttemptAt: null,
    lastStatusCode: 503,
    edited: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

describe('FailedDeliveriesPage', () => {
  it('retries them all after a confirmation that counts every page of them', async () => {
    const all = Array.from({ length: 250 }, (_, i) => dead(i));
    const api = mockApi({
      'GET /api/v1/destinations': () => ({ body: { data: [], nextCursor: null } }),
      'GET /api/v1/deliveries': (_init, url) => {
        // Pages of at most 25, whatever the limit: fewer rows to draw, more pages to count.
        const limit = Math.min(25, Number(url.searchParams.get('limit')));
        const from = Number(url.searchParams.get('cursor') ?? 0);
        const data = all.slice(from, from + limit);
        const next = from + limit < all.length ? String(from + limit) : null;
        return { body: { data, nextCursor: next } };
      },
      'POST /api/v1/deliveries/retry': () => ({ status: 202, body: { count: 250 } }),
    });
    const { user } = renderWithProviders(<FailedDeliveriesPage />, {
      route: '/deliveries/failed',
    });

    expect(await screen.findAllByRole('button', { name: 'Retry' })).toHaveLength(25);
    await user.click(screen.getByRole('button', { name: 'Retry all' }));

    const dialog = await screen.findByRole('dialog', { name: 'Retry all dead deliveries?' });
    expect(await within(dialog).findByText('250 dead deliveries')).toBeInTheDocument();
    expect(api).not.toHaveBeenCalledWith('/api/v1/deliveries/retry', expect.anything());

    await user.click(within(dialog).getByRole('button', { name: 'Retry 250 deliveries' }));

    expect(await screen.findByText('250 deliveries will be attempted again')).toBeInTheDocument();
    const [, init] = api.mock.calls.find(([url]) => url === '/api/v1/deliveries/retry') ?? [];
    expect(JSON.parse(String(init?.body))).toEqual({ status: 'dead' });
  });

  it('says so when nothing failed', async () => {
    mockApi({
      'GET /api/v1/destinations': () => ({ body: { data: [], nextCursor: null } }),
      'GET /api/v1/deliveries': () => ({ body: { data: [], nextCursor: null } }),
    });
    renderWithProviders(<FailedDeliveriesPage />, { route: '/deliveries/failed?status=failed' });

    expect(await screen.findByText('No failing deliveries')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry all' })).toBeDisabled();
  });
});
