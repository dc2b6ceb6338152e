import type { DestinationResponse } from '@hookyard/contracts';
import { screen, waitFor } from '@testing-library/react';
import { mockApi, renderWithProviders } from '../../../test/render';
import { createDestination, updateDestination } from '../destinations.api';
import { DestinationForm, generateSigningSecret, parseHeaderLines } from './destination-form';

const CI: DestinationResponse = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'CI',
  type: 'http',
  url: 'https://ci.example.com/hook',
  cli: null,
  timeoutMs: 5000,
  retry: { maxAttempts: 3, initialDelayMs: 1000, maxDelayMs: 60_000 },
  headers: { 'X-Env': 'dev' },
  rateLimitPerSecond: null,
  hasSigningSecret: true,
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
};

describe('DestinationForm', () => {
  it('creates a destination with its retry policy in milliseconds and its headers', async () => {
    const api = mockApi({ 'POST /api/v1/destinations': () => ({ status: 201, body: CI }) });
    const { user } = renderWithProviders(<DestinationForm onSubmit={createDestination} />);

    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'CI');
    await user.type(screen.getByRole('textbox', { name: 'URL' }), 'https://ci.example.com/hook');
    const attempts = screen.getByRole('textbox', { name: 'Attempts' });
    await user.clear(attempts);
    await user.type(attempts, '3');
    await user.type(screen.getByRole('textbox', { name: /Extra headers/ }), 'X-Env: dev');
    await user.click(screen.getByRole('button', { name: 'Create destination' }));

    await waitFor(() => expect(api).toHaveBeenCalled());
    expect(JSON.parse(String(api.mock.calls[0][1]?.body))).toEqual({
      name: 'CI',
      url: 'https://ci.example.com/hook',
      timeoutMs: 10_000,
      retry: { maxAttempts: 3, initialDelayMs: 10_000, maxDelayMs: 43_200_000 },
      headers: { 'X-Env': 'dev' },
      rateLimitPerSecond: null,
      signingSecret: null,
    });
  });

  it('points at the header lines it cannot read, and at a bad URL, before sending', async () => {
    const api = mockApi({});
    const { user } = renderWithProviders(<DestinationForm onSubmit={createDestination} />);

    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'CI');
    await user.type(screen.getByRole('textbox', { name: 'URL' }), 'ftp://ci.example.com');
    await user.type(screen.getByRole('textbox', { name: /Extra headers/ }), 'X-Ok: 1{Enter}oops');
    await user.click(screen.getByRole('button', { name: 'Create destination' }));

    expect(screen.getByText('Line 2: write "Name: value"')).toBeInTheDocument();
    expect(screen.getByText('must be an http(s) URL')).toBeInTheDocument();
    expect(api).not.toHaveBeenCalled();
  });

  it('edits a destination without sending its write-only secret back', async () => {
    const api = mockApi({ [`PATCH /api/v1/destinations/${CI.id}`]: () => ({ body: CI }) });
    const { user } = renderWithProviders(
      <DestinationForm destination={CI} onSubmit={(patch) => updateDestination(CI.id, patch)} />,
    );

    expect(screen.getByRole('textbox', { name: /Extra headers/ })).toHaveValue('X-Env: dev');
    const url = screen.getByRole('textbox', { name: 'URL' });
    await user.clear(url);
    await user.type(url, 'https://ci.example.com/v2');
    await user.click(screen.getByRole('button', { name: 'Save destination' }));

    await waitFor(() => expect(api).toHaveBeenCalled());
    const patch = JSON.parse(String(api.mock.calls[0][1]?.body)) as Record<string, unknown>;
    expect(patch).toMatchObject({ url: 'https://ci.example.com/v2', timeoutMs: 5000 });
    expect(patch).not.toHaveProperty('signingSecret');
  });
});

describe('form helpers', () => {
  it('reads "Name: value" lines, values with colons included', () => {
    expect(parseHeaderLines('Authorization: Bearer a:b\n\nX-A:1\nnope')).toEqual({
      headers: { Authorization: 'Bearer a:b', 'X-A': '1' },
      bad: [4],
    });
  });

  it('generates secrets in the Standard Webhooks format the API accepts', () => {
    expect(generateSigningSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });
});
