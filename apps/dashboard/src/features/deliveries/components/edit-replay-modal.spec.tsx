import type {
  AttemptResponse,
  DeliveryDetailResponse,
  DestinationResponse,
  EventResponse,
} from '@hookyard/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import { mockApi, renderWithProviders } from '../../../test/render';
import { EditReplayModal } from './edit-replay-modal';

const EVENT_ID = '00000000-0000-4000-8000-0000000000e1';
const ORIGINAL_ID = '00000000-0000-4000-8000-0000000000d1';
const REPLAY_ID = '00000000-0000-4000-8000-0000000000d2';
const CI_ID = '00000000-0000-4000-8000-0000000000c1';
const REPLAY_PATH = `POST /api/v1/events/${EVENT_ID}/replay`;

const event: EventResponse = {
  id: EVENT_ID,
  sourceId: null,
  method: 'POST',
  path: '/',
  query: '',
  contentType: 'application/json',
  size: 26,
  sourceIp: '127.0.0.1',
  receivedAt: '2025-03-01T10:00:00.000Z',
  status: 'accepted',
  verified: true,
  rejectionReason: null,
  handshake: null,
  dedupeKey: null,
  headers: {
    'Content-Type': 'application/json',
    'Content-Length': '26',
    'X-GitHub-Event': 'push',
    'User-Agent': 'GitHub-Hookshot',
  },
  body: '{"ref":"main","commits":2}',
  bodyEncoding: 'utf8',
  rejection: null,
  deliveries: [
    {
      id: ORIGINAL_ID,
      destinationId: CI_ID,
      status: 'dead',
      attempts: 1,
      nextAttemptAt: null,
      lastStatusCode: 500,
    },
  ],
};

const ci = { id: CI_ID, name: 'CI' } as DestinationResponse;

function attempt(overrides: Partial<AttemptResponse>): AttemptResponse {
  return {
    n: 1,
    at: '2025-03-01T10:00:01.000Z',
    url: 'http://127.0.0.1:9000/hook',
    requestHeaders: {},
    statusCode: 200,
    durationMs: 42,
    error: null,
    errorKind: null,
    responseHeaders: { 'Content-Type': 'text/plain' },
    responseBody: 'ok',
    responseBodyEncoding: 'utf8',
    ...overrides,
  };
}

function delivery(id: string, attempts: AttemptResponse[]): DeliveryDetailResponse {
  return {
    id,
    eventId: EVENT_ID,
    destinationId: CI_ID,
    url: null,
    status: attempts.length > 0 ? 'succeeded' : 'scheduled',
    attemptCount: attempts.length,
    nextAttemptAt: null,
    lastStatusCode: attempts.at(-1)?.statusCode ?? null,
    edited: id === REPLAY_ID,
    createdAt: '2025-03-01T10:00:00.000Z',
    updatedAt: '2025-03-01T10:00:00.000Z',
    attempts,
    override: null,
  };
}

const sentBody = (api: ReturnType<typeof mockApi>) => {
  const call = api.mock.calls.find(([, init]) => init?.method === 'POST');
  return JSON.parse(String(call?.[1]?.body)) as unknown;
};

function renderModal() {
  return renderWithProviders(
    <EditReplayModal event={event} destinations={[ci]} opened onClose={() => undefined} />,
  );
}

describe('EditReplayModal', () => {
  it('prefills the stored headers (less those set when sending) and the JSON body pretty-printed', () => {
    mockApi({});
    renderModal();

    const dialog = screen.getByRole('dialog', { name: 'Edit and replay' });
    const names = within(dialog)
      .getAllByRole('textbox', { name: /^Header \d+ name$/ })
      .map((input) => (input as HTMLInputElement).value);
    expect(names).toEqual(['Content-Type', 'X-GitHub-Event', 'User-Agent']);
    expect(within(dialog).getByRole('textbox', { name: 'Header 2 value' })).toHaveValue('push');
    expect(within(dialog).getByRole('textbox', { name: 'Body' })).toHaveValue(
      '{\n  "ref": "main",\n  "commits": 2\n}',
    );
  });

  it('sends the edited headers and body to a URL', async () => {
    const api = mockApi({
      [REPLAY_PATH]: () => ({ status: 202, body: { deliveryId: REPLAY_ID } }),
      [`GET /api/v1/deliveries/${REPLAY_ID}`]: () => ({ body: delivery(REPLAY_ID, []) }),
      [`GET /api/v1/deliveries/${ORIGINAL_ID}`]: () => ({ body: delivery(ORIGINAL_ID, []) }),
    });
    const { user } = renderModal();

    await user.click(screen.getByRole('radio', { name: 'URL' }));
    await user.type(screen.getByRole('textbox', { name: 'URL' }), 'http://localhost:8080/hooks');
    const value = screen.getByRole('textbox', { name: 'Header 2 value' });
    await user.clear(value);
    await user.type(value, 'release');
    await user.click(screen.getByRole('button', { name: 'Remove header 3' }));
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByRole('textbox', { name: 'Header 3 name' }), 'X-Debug');
    await user.type(screen.getByRole('textbox', { name: 'Header 3 value' }), '1');
    const body = screen.getByRole('textbox', { name: 'Body' });
    await user.clear(body);
    await user.click(body);
    await user.paste('{"ref":"release"}');
    await user.click(screen.getByRole('button', { name: 'Send replay' }));

    await waitFor(() =>
      expect(api).toHaveBeenCalledWith(expect.stringContaining('/replay'), expect.anything()),
    );
    expect(sentBody(api)).toEqual({
      url: 'http://localhost:8080/hooks',
      headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'release', 'X-Debug': '1' },
      body: '{"ref":"release"}',
    });
    expect(await screen.findByRole('dialog', { name: 'Replay result' })).toBeInTheDocument();
  });

  it('sends an untouched request as a plain replay, so the original bytes go', async () => {
    const api = mockApi({
      [REPLAY_PATH]: () => ({ status: 202, body: { deliveryId: REPLAY_ID } }),
    });
    const { user } = renderModal();

    await user.click(screen.getByRole('combobox', { name: 'Destination' }));
    await user.click(screen.getByRole('option', { name: 'CI' }));
    await user.click(screen.getByRole('button', { name: 'Send replay' }));

    await waitFor(() => expect(sentBody(api)).toEqual({ destinationId: CI_ID }));
  });

  it('refuses a JSON body that does not parse, and a bad header name, before sending', async () => {
    const api = mockApi({});
    const { user } = renderModal();

    await user.click(screen.getByRole('combobox', { name: 'Destination' }));
    await user.click(screen.getByRole('option', { name: 'CI' }));
    const name = screen.getByRole('textbox', { name: 'Header 2 name' });
    await user.clear(name);
    await user.type(name, 'X Bad');
    const body = screen.getByRole('textbox', { name: 'Body' });
    await user.clear(body);
    await user.click(body);
    await user.paste('{"ref":');
    await user.click(screen.getByRole('button', { name: 'Send replay' }));

    expect(screen.getByText(/^Not valid JSON \(Content-Type says JSON\)/)).toBeInTheDocument();
    expect(screen.getByText('Not a valid header name')).toBeInTheDocument();
    expect(api).not.toHaveBeenCalled();
  });

  it("shows the API's 400 on the form: a field's part by the field, the rest above", async () => {
    mockApi({
      [REPLAY_PATH]: () => ({
        status: 400,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message:
            'body: must be valid base64; headers.X-Odd Name: must be a valid HTTP header name',
        },
      }),
    });
    const { user } = renderModal();

    await user.click(screen.getByRole('combobox', { name: 'Destination' }));
    await user.click(screen.getByRole('option', { name: 'CI' }));
    await user.click(screen.getByRole('button', { name: 'Send replay' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'headers.X-Odd Name: must be a valid HTTP header name',
    );
    expect(screen.getByText('must be valid base64')).toBeInTheDocument();
    expect(screen.getByRole('dialog', { name: 'Edit and replay' })).toBeInTheDocument();
  });

  it("shows the replay's response beside the original's once the replay has one", async () => {
    let replayReads = 0;
    mockApi({
      [REPLAY_PATH]: () => ({ status: 202, body: { deliveryId: REPLAY_ID } }),
      [`GET /api/v1/deliveries/${ORIGINAL_ID}`]: () => ({
        body: delivery(ORIGINAL_ID, [
          attempt({
            statusCode: 500,
            durationMs: 1234,
            responseHeaders: { 'Content-Type': 'text/plain', 'X-Trace': 'first' },
            responseBody: 'boom: missing field',
          }),
        ]),
      }),
      // Not answered yet on the first read: the comparison waits, and asks again.
      [`GET /api/v1/deliveries/${REPLAY_ID}`]: () => ({
        body: delivery(
          REPLAY_ID,
          ++replayReads === 1
            ? []
            : [
                attempt({
                  statusCode: 200,
                  durationMs: 42,
                  responseHeaders: { 'Content-Type': 'text/plain', 'X-Trace': 'second' },
                  responseBody: 'accepted',
                }),
              ],
        ),
      }),
    });
    const { user } = renderModal();

    await user.click(screen.getByRole('combobox', { name: 'Destination' }));
    await user.click(screen.getByRole('option', { name: 'CI' }));
    const body = screen.getByRole('textbox', { name: 'Body' });
    await user.clear(body);
    await user.click(body);
    await user.paste('{"ref":"main","commits":3}');
    await user.click(screen.getByRole('button', { name: 'Send replay' }));

    const original = await screen.findByRole('region', { name: 'Original response' });
    const replay = screen.getByRole('region', { name: 'Replay response' });
    expect(await within(original).findByText('500 Internal Server Error')).toBeInTheDocument();
    expect(within(original).getByText('1.23 s')).toBeInTheDocument();
    expect(within(original).getByText('boom: missing field')).toBeInTheDocument();
    expect(
      within(within(original).getByRole('table', { name: 'Original response headers' })).getByText(
        'first',
      ),
    ).toBeInTheDocument();
    expect(within(replay).getByText("Waiting for the replay's answer…")).toBeInTheDocument();

    expect(await within(replay).findByText('200 OK')).toBeInTheDocument();
    expect(within(replay).getByText('42 ms')).toBeInTheDocument();
    expect(within(replay).getByText('accepted')).toBeInTheDocument();
    expect(
      within(within(replay).getByRole('table', { name: 'Replay response headers' })).getByText(
        'second',
      ),
    ).toBeInTheDocument();
    expect(replayReads).toBeGreaterThanOrEqual(2);

    await user.click(screen.getByRole('button', { name: 'Edit again' }));
    expect(screen.getByRole('textbox', { name: 'Body' })).toHaveValue('{"ref":"main","commits":3}');
  });
});
