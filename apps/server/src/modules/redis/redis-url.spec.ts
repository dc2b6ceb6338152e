import { redisOptionsFromUrl } from './redis-url';

describe('redisOptionsFromUrl', () => {
  it('reads host and port, and defaults the port', () => {
    expect(redisOptionsFromUrl('redis://cache.internal')).toEqual({
      host: 'cache.internal',
      port: 6379,
    });
    expect(redisOptionsFromUrl('redis://127.0.0.1:6380')).toEqual({
      host: '127.0.0.1',
      port: 6380,
    });
  });

  it('reads credentials (percent-decoded) and the database', () => {
    expect(redisOptionsFromUrl('redis://hook%40yard:p%3Ass@cache:6379/3')).toEqual({
      host: 'cache',
      port: 6379,
      username: 'hook@yard',
      password: 'p:ss',
      db: 3,
    });
    expect(redisOptionsFromUrl('redis://:only-password@cache')).toMatchObject({
      password: 'only-password',
    });
    expect(redisOptionsFromUrl('redis://:only-password@cache')).not.toHaveProperty('username');
  });

  it('keeps TLS for rediss:', () => {
    expect(redisOptionsFromUrl('rediss://cache.example.com:6380')).toEqual({
      host: 'cache.example.com',
      port: 6380,
      tls: {},
    });
  });

  it('unwraps an IPv6 literal', () => {
    expect(redisOptionsFromUrl('redis://[::1]:6379')).toMatchObject({ host: '::1' });
  });
});
