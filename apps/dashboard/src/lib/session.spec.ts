import { adoptTokenFromFragment, getToken } from './session';

describe('adoptTokenFromFragment', () => {
  it('signs in with the token of the fragment and removes it from the address', () => {
    window.history.replaceState(null, '', '/events?x=1#token=abc123abc123abc123');

    expect(adoptTokenFromFragment(window.location, window.history)).toBe(true);

    expect(getToken()).toBe('abc123abc123abc123');
    expect(window.location.hash).toBe('');
    expect(window.location.pathname + window.location.search).toBe('/events?x=1');
  });

  it('keeps other fragment parameters', () => {
    window.history.replaceState(null, '', '/#token=abc123abc123abc123&tab=body');

    adoptTokenFromFragment(window.location, window.history);

    expect(window.location.hash).toBe('#tab=body');
  });

  it('does nothing without a token', () => {
    window.history.replaceState(null, '', '/#section');

    expect(adoptTokenFromFragment(window.location, window.history)).toBe(false);
    expect(getToken()).toBeNull();
    expect(window.location.hash).toBe('#section');
  });
});
