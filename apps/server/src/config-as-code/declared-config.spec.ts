import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_MS } from '@hookyard/contracts';
import { DeclaredConfigError, parseDeclaredConfig } from './declared-config';

const SIGNING_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

const valid = `
sources:
  - name: GitHub
    slug: github
    verification: { type: github, secrets: ["\${GITHUB_WEBHOOK_SECRET}"] }
destinations:
  - name: local-api
    url: http://localhost:4000/hooks
    signingSecret: \${HOOKYARD_SIGNING_SECRET}
    paused: false
connections:
  - source: github
    destination: local-api
    filter: { headers: { X-GitHub-Event: push } }
`;

const env = { GITHUB_WEBHOOK_SECRET: 'gh-secret', HOOKYARD_SIGNING_SECRET: SIGNING_SECRET };

/** The error's one-line message, or a failure if it parses. */
function refusal(text: string, environment: Record<string, string | undefined> = env): string {
  try {
    parseDeclaredConfig(text, 'hookyard.yaml', environment);
  } catch (error) {
    expect(error).toBeInstanceOf(DeclaredConfigError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}

describe('parseDeclaredConfig', () => {
  it('reads sources, destinations and connections with the API defaults and their places', () => {
    const config = parseDeclaredConfig(valid, 'hookyard.yaml', env);
    expect(config.sources).toEqual([
      {
        path: 'sources[0]',
        at: 'hookyard.yaml:3:5',
        written: ['name', 'slug', 'verification'],
        input: {
          name: 'GitHub',
          slug: 'github',
          verification: { type: 'github', secrets: ['gh-secret'] },
          maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
          dedupe: { mode: 'auto' },
          response: null,
          allowedIps: null,
          rateLimitPerSecond: null,
          handshake: {},
          passthrough: null,
        },
      },
    ]);
    expect(config.destinations).toHaveLength(1);
    expect(config.destinations[0]).toMatchObject({
      path: 'destinations[0]',
      at: 'hookyard.yaml:7:5',
      written: ['name', 'url', 'signingSecret', 'paused'],
      input: {
        name: 'local-api',
        url: 'http://localhost:4000/hooks',
        signingSecret: SIGNING_SECRET,
        timeoutMs: DEFAULT_TIMEOUT_MS,
        paused: false,
        headers: {},
      },
    });
    expect(config.connections).toEqual([
      {
        path: 'connections[0]',
        at: 'hookyard.yaml:12:5',
        written: ['source', 'destination', 'filter'],
        input: {
          source: 'github',
          destination: 'local-api',
          filter: { headers: { 'X-GitHub-Event': 'push' } },
        },
      },
    ]);
  });

  it('reads the sample hookyard.example.yaml at the repository root', () => {
    const file = join(__dirname, '../../../../hookyard.example.yaml');
    const config = parseDeclaredConfig(readFileSync(file, 'utf8'), file, {
      GITHUB_WEBHOOK_SECRET: 'gh',
      STRIPE_WEBHOOK_SECRET: 'whsec_stripe',
      HOOKYARD_SIGNING_SECRET: SIGNING_SECRET,
    });
    expect(config.sources.map((s) => s.input.slug)).toEqual(['github', 'stripe']);
    expect(config.destinations[0].input.url).toBe('http://localhost:4000/hooks');
    expect(config.connections).toHaveLength(2);
  });

  it('reads an empty file as nothing declared', () => {
    expect(parseDeclaredConfig('# nothing yet\n', 'hookyard.yaml', {})).toEqual({
      file: 'hookyard.yaml',
      sources: [],
      destinations: [],
      connections: [],
    });
  });

  describe('environment variables', () => {
    const withName = (name: string) => `sources:\n  - name: "${name}"\n    slug: a\n`;
    const nameOf = (text: string, environment: Record<string, string | undefined>) =>
      parseDeclaredConfig(text, 'hookyard.yaml', environment).sources[0].input.name;

    it('replaces ${VAR} anywhere in a string', () => {
      expect(nameOf(withName('team ${TEAM} hooks'), { TEAM: 'blue' })).toBe('team blue hooks');
    });

    it('uses the default of ${VAR:-default} when VAR is unset or empty, and VAR when set', () => {
      expect(nameOf(withName('${TEAM:-red}'), {})).toBe('red');
      expect(nameOf(withName('${TEAM:-red}'), { TEAM: '' })).toBe('red');
      expect(nameOf(withName('${TEAM:-red}'), { TEAM: 'blue' })).toBe('blue');
    });

    it('keeps $${ as a literal ${', () => {
      expect(nameOf(withName('cost $${TEAM}'), { TEAM: 'blue' })).toBe('cost ${TEAM}');
    });

    it('refuses a missing variable with its line, field and name', () => {
      expect(refusal(valid, { GITHUB_WEBHOOK_SECRET: 'x' })).toBe(
        'hookyard.yaml:9:20: destinations[0].signingSecret: environment variable HOOKYARD_SIGNING_SECRET is not set (or write ${HOOKYARD_SIGNING_SECRET:-default})',
      );
    });

    it('refuses a "${" that is not a reference', () => {
      expect(refusal(withName('${not closed'), {})).toMatch(
        /^hookyard\.yaml:2:11: sources\[0\]\.name: "\$\{" must start/,
      );
    });
  });

  describe('refusals', () => {
    it('names file:line:col and the dotted path of a wrong type', () => {
      const text = `destinations:
  - name: a
    url: http://a.test
  - name: b
    url: http://b.test
    timeoutMs: "fast"
`;
      expect(refusal(text)).toBe(
        'hookyard.yaml:6:16: destinations[1].timeoutMs: Invalid input: expected number, received string',
      );
    });

    it("uses the API's own rules and messages", () => {
      const text = 'destinations:\n  - name: a\n    url: ftp://a.test\n';
      expect(refusal(text)).toBe('hookyard.yaml:3:10: destinations[0].url: must be an http(s) URL');
    });

    it('points a missing field at its entry', () => {
      expect(refusal('sources:\n  - name: GitHub\n')).toMatch(
        /^hookyard\.yaml:2:5: sources\[0\]\.slug: /,
      );
    });

    it('refuses an unknown field at its key, nested or at the top', () => {
      expect(refusal('sources:\n  - name: a\n    slug: a\n    colour: red\n')).toBe(
        'hookyard.yaml:4:5: sources[0].colour: unknown field',
      );
      expect(refusal('source:\n  - name: a\n')).toBe('hookyard.yaml:1:1: source: unknown field');
    });

    it('refuses a slug declared twice, at its second place', () => {
      const text = 'sources:\n  - { name: A, slug: gh }\n  - { name: B, slug: gh }\n';
      expect(refusal(text)).toBe(
        'hookyard.yaml:3:22: sources[1].slug: "gh" is declared twice (also sources[0])',
      );
    });

    it('refuses a destination name and a connection declared twice', () => {
      const destinations = `destinations:
  - { name: api, url: "http://a.test" }
  - { name: api, url: "http://b.test" }
`;
      expect(refusal(destinations)).toMatch(/^hookyard\.yaml:3:13: destinations\[1\]\.name: "api"/);
      const connections = `connections:
  - { source: gh, destination: api }
  - { source: gh, destination: api, filter: null }
`;
      expect(refusal(connections)).toMatch(/^hookyard\.yaml:3:15: connections\[1\]\.source: /);
    });

    it('refuses a YAML syntax error with its line', () => {
      expect(refusal('sources:\n  - name: a\n   slug: [unclosed\n')).toMatch(
        /^hookyard\.yaml:3:\d+: /,
      );
    });

    it('refuses a key written twice', () => {
      expect(refusal('sources: []\nsources: []\n')).toMatch(/^hookyard\.yaml:2:1: .*unique/);
    });

    it('shows the first problem in the file and counts the others', () => {
      const text = 'sources:\n  - name: ""\n    slug: A\n';
      expect(refusal(text)).toBe(
        'hookyard.yaml:2:11: sources[0].name: must not be empty (and 1 more problem)',
      );
    });
  });
});
