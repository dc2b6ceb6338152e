import { resignHeaders, verify } from '@hookyard/signatures';
import { CliError } from '../cli-error';
import { eventBody, replayRequest } from './replay.command';

const EVENT_ID = '0b6f7c7e-8a51-4a43-9a0e-3b0e3f0f6a11';

describe('replayRequest', () => {
  it('replays to a URL or to a destination', () => {
    expect(replayRequest(EVENT_ID, { to: 'http://localhost:3000/x' })).toEqual({
      url: 'http://localhost:3000/x',
    });
    expect(replayRequest(EVENT_ID, { destination: EVENT_ID })).toEqual({
      destinationId: EVENT_ID,
    });
  });

  it.each([
    ['nope', {}, /"nope" is not an event id/],
    [EVENT_ID, {}, /--to <url> or --destination <id>/],
    [EVENT_ID, { to: 'http://x/', destination: EVENT_ID }, /one of them/],
    [EVENT_ID, { to: 'http://x/', resign: 'github' as const }, /--resign .* go together/],
    [EVENT_ID, { to: 'ftp://x/' }, /--to: must be an http\(s\) URL/],
    [EVENT_ID, { destination: 'abc' }, /--destination: must be a UUID/],
  ])('refuses %s %j in one line', (eventId, options, message) => {
    expect(() => replayRequest(eventId, options)).toThrow(CliError);
    expect(() => replayRequest(eventId, options)).toThrow(message);
  });
});

describe('re-signing a stored event', () => {
  it('signs the exact stored bytes of a base64 body, which verify() accepts', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41]); // not UTF-8: stored as base64
    const event = { body: bytes.toString('base64'), bodyEncoding: 'base64' as const };
    expect(eventBody(event)).toEqual(bytes);
    const headers = resignHeaders('stripe', {
      headers: { 'Stripe-Signature': 't=1,v1=00' },
      body: eventBody(event),
      secret: 'whsec_abc',
    });
    const lower = { 'stripe-signature': headers['Stripe-Signature'] };
    expect(
      verify({ type: 'stripe', secrets: ['whsec_abc'] }, { headers: lower, body: bytes }).ok,
    ).toBe(true);
  });

  it('reads a UTF-8 body as its UTF-8 bytes', () => {
    expect(eventBody({ body: 'café', bodyEncoding: 'utf8' })).toEqual(Buffer.from('café', 'utf8'));
  });
});
