import type { AttemptResponse } from '@hookyard/contracts';
import { screen, within } from '@testing-library/react';
import { renderWithProviders } from '../../../test/render';
import { AttemptsTimeline } from './attempts-timeline';

function attempt(n: number, overrides: Partial<AttemptResponse> = {}): AttemptResponse {
  return {
    n,
    at: `2025-03-01T10:0${n}:00.000Z`,
    url: 'http://127.0.0.1:9000/hook',
    requestHeaders: { 'X-Hookyard-Attempt': String(n) },
    statusCode: 200,
    durationMs: 42,
    error: null,
    errorKind: null,
    responseHeaders: { 'Content-Type': 'application/json' },
    responseBody: '{"ok":true}',
    responseBodyEncoding: 'utf8',
    ...overrides,
  };
}

const timedOut = attempt(1, {
  statusCode: null,
  durationMs: 10_000,
  error: 'No response within 10000 ms',
  errorKind: 'timeout',
  responseHeaders: null,
  responseBody: null,
  responseBodyEncoding: null,
});
const unavailable = attempt(2, {
  statusCode: 503,
  durationMs: 1234,
  responseHeaders: { 'Content-Type': 'text/plain', 'Retry-After': '30' },
  responseBody: 'down for maintenance',
});

describe('AttemptsTimeline', () => {
  it('lists attempts oldest first with status code, duration and error', () => {
    renderWithProviders(
      <AttemptsTimeline
        attempts={[attempt(3), unavailable, timedOut]}
        status="succeeded"
        nextAttemptAt={null}
      />,
    );

    const titles = screen.getAllByText(/^Attempt \d$/).map((el) => el.textContent);
    expect(titles).toEqual(['Attempt 1', 'Attempt 2', 'Attempt 3']);
    expect(screen.getByText('Timeout')).toBeInTheDocument();
    expect(screen.getByText('No response within 10000 ms')).toBeInTheDocument();
    expect(screen.getByText('10.0 s')).toBeInTheDocument();
    expect(screen.getByText('503 Service Unavailable')).toBeInTheDocument();
    expect(screen.getByText('1.23 s')).toBeInTheDocument();
    expect(screen.getByText('200 OK')).toBeInTheDocument();
    expect(screen.getByText('42 ms')).toBeInTheDocument();
    expect(screen.queryByText('Next attempt')).not.toBeInTheDocument();
  });

  it('shows when a failing delivery tries again', () => {
    renderWithProviders(
      <AttemptsTimeline
        attempts={[unavailable]}
        status="failed"
        nextAttemptAt="2099-01-01T00:00:00.000Z"
      />,
    );

    expect(screen.getByText('Next attempt')).toBeInTheDocument();
    expect(screen.getByText(/2099/)).toBeInTheDocument();
  });

  it('opens the response headers and body of an attempt', async () => {
    const { user } = renderWithProviders(
      <AttemptsTimeline attempts={[unavailable]} status="dead" nextAttemptAt={null} />,
    );

    await user.click(screen.getByRole('button', { name: /Response · 20 B/ }));

    const headers = screen.getByRole('table', { name: 'Response headers of attempt 2' });
    expect(within(headers).getByText('Retry-After')).toBeInTheDocument();
    expect(within(headers).getByText('30')).toBeInTheDocument();
    expect(screen.getByText('down for maintenance')).toBeVisible();
  });

  it('has no response section for an attempt that got no response', () => {
    renderWithProviders(
      <AttemptsTimeline attempts={[timedOut]} status="failed" nextAttemptAt={null} />,
    );

    expect(screen.queryByRole('button', { name: /Response/ })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Request headers' })).toBeInTheDocument();
    expect(screen.getByText('Soon')).toBeInTheDocument();
  });

  it('says so when nothing was tried and nothing will be', () => {
    renderWithProviders(<AttemptsTimeline attempts={[]} status="cancelled" nextAttemptAt={null} />);

    expect(screen.getByText('No attempts')).toBeInTheDocument();
  });
});
