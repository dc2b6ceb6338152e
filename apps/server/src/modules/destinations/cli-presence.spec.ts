import { CLI_SEEN_WITHIN_MS, CliPresence } from './cli-presence';

describe('CliPresence', () => {
  const now = Date.parse('2025-01-01T12:00:00Z');
  const ago = (ms: number) => new Date(now - ms);

  it('counts a CLI seen within the window as connected, one seen before it as offline', () => {
    const presence = new CliPresence();
    expect(presence.connected('d', null, now)).toBe(false);
    expect(presence.connected('d', ago(CLI_SEEN_WITHIN_MS - 1000), now)).toBe(true);
    expect(presence.connected('d', ago(CLI_SEEN_WITHIN_MS + 1000), now)).toBe(false);
  });

  it("is exact for this process's streams: open is connected, closed is offline at once", () => {
    const presence = new CliPresence();
    presence.opened('d');
    presence.opened('d');
    expect(presence.connected('d', null, now)).toBe(true);
    presence.closed('d', ago(0));
    expect(presence.connected('d', ago(0), now)).toBe(true);
    presence.closed('d', ago(0));
    expect(presence.connected('d', ago(0), now)).toBe(false);
    // Another process saw the CLI after this one's stream closed.
    expect(presence.connected('d', new Date(now + 5000), now + 6000)).toBe(true);
  });
});
