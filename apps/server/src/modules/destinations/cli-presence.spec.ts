import { CLI_SEEN_WITHIN_MS, CliPresence } from './cli-presence';

describe('CliPresence', () => {
  const now = Date.parse('2025-01-01T12:00:00Z');
  const ago = (ms: number) => new Date(now - ms);

  it('counts a CLI with a stream open in some process and seen within the window as connected', () => {
    const presence = new CliPresence();
    expect(presence.connected('d', null, 0, now)).toBe(false);
    expect(presence.connected('d', ago(CLI_SEEN_WITHIN_MS - 1000), 1, now)).toBe(true);
    // A process that died with the stream open: its count stops counting with its heartbeats.
    expect(presence.connected('d', ago(CLI_SEEN_WITHIN_MS + 1000), 1, now)).toBe(false);
  });

  it('shows a CLI whose streams all closed as offline at once, though it was just seen', () => {
    expect(new CliPresence().connected('d', ago(0), 0, now)).toBe(false);
  });

  it("is exact for this process's streams, whatever the database says", () => {
    const presence = new CliPresence();
    presence.opened('d');
    presence.opened('d');
    expect(presence.connected('d', null, 0, now)).toBe(true);
    presence.closed('d');
    expect(presence.connected('d', null, 0, now)).toBe(true);
    presence.closed('d');
    expect(presence.connected('d', ago(0), 0, now)).toBe(false);
    // Another process's stream is still open.
    expect(presence.connected('d', ago(0), 1, now)).toBe(true);
  });
});
