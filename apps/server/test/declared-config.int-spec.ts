import type {
  ConnectionResponse,
  DeliveryResponse,
  DestinationResponse,
  Page,
  SourceResponse,
} from '@hookyard/contracts';
import {
  DeclaredConfigError,
  parseDeclaredConfig,
  type DeclaredConfig,
} from '../src/config-as-code/declared-config';
import { DeclaredConfigService } from '../src/config-as-code/declared-config.service';
import { startServer, truncateAll, withDb, type TestServer } from './helpers';
import { sign } from './signing';
import { eventually, Target } from './target';

let server: TestServer;
let declared: DeclaredConfigService;
let target: Target;

beforeAll(async () => {
  server = await startServer();
  declared = server.app.get(DeclaredConfigService);
  target = await Target.start();
});
afterAll(async () => {
  await target.close();
  await server.close();
});
beforeEach(async () => {
  target.received.length = 0;
  await truncateAll();
});

const SIGNING_SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;

const FILE = `
sources:
  - name: GitHub
    slug: github
    verification: { type: github, secrets: ["\${GITHUB_WEBHOOK_SECRET}"] }
destinations:
  - name: local-api
    url: \${TARGET_URL}
    signingSecret: \${HOOKYARD_SIGNING_SECRET}
    retry: { maxAttempts: 2, initialDelayMs: 200, maxDelayMs: 1000 }
connections:
  - source: github
    destination: local-api
    filter: { headers: { X-GitHub-Event: push } }
`;

function config(env: Record<string, string> = {}, text = FILE): DeclaredConfig {
  return parseDeclaredConfig(text, 'hookyard.yaml', {
    GITHUB_WEBHOOK_SECRET: 'gh-secret-1',
    HOOKYARD_SIGNING_SECRET: SIGNING_SECRET,
    TARGET_URL: target.url('/hooks'),
    ...env,
  });
}

async function list<T>(path: string): Promise<T[]> {
  const res = await server.api(path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as Page<T>).data;
}

const updatedAt = () =>
  withDb(async (c) => {
    const { rows } = await c.query<{ at: Date }>(
      `SELECT updated_at AS at FROM sources UNION ALL SELECT updated_at FROM destinations`,
    );
    return rows.map((r) => r.at.toISOString());
  });

async function ingest(body: string, headers: Record<string, string>) {
  const res = await fetch(`${server.url}/in/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, id: ((await res.json()) as { id: string }).id };
}

async function refusal(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeclaredConfigError);
  return (error as Error).message;
}

const counts = (created: number, updated: number, unchanged: number) => ({
  created,
  updated,
  unchanged,
});

describe('hookyard.yaml applied at start', () => {
  it('creates the declared source, destination and connection, visible through the API', async () => {
    expect(await declared.apply(config())).toEqual({
      sources: counts(1, 0, 0),
      destinations: counts(1, 0, 0),
      connections: counts(1, 0, 0),
    });

    const [source] = await list<SourceResponse>('/api/v1/sources');
    expect(source).toMatchObject({
      name: 'GitHub',
      slug: 'github',
      ingestUrl: 'https://hooks.example.test/in/github',
      verification: { type: 'github', secretCount: 1 },
    });
    const [destination] = await list<DestinationResponse>('/api/v1/destinations');
    expect(destination).toMatchObject({
      name: 'local-api',
      url: target.url('/hooks'),
      hasSigningSecret: true,
      retry: { maxAttempts: 2 },
    });
    expect(await list<ConnectionResponse>('/api/v1/connections')).toEqual([
      expect.objectContaining({
        sourceId: source.id,
        destinationId: destination.id,
        filter: { headers: { 'X-GitHub-Event': 'push' } },
      }),
    ]);
  });

  it('changes nothing when the same file is applied again', async () => {
    await declared.apply(config());
    const before = await updatedAt();
    const ids = await list<SourceResponse>('/api/v1/sources');

    expect(await declared.apply(config())).toEqual({
      sources: counts(0, 0, 1),
      destinations: counts(0, 0, 1),
      connections: counts(0, 0, 1),
    });
    expect(await updatedAt()).toEqual(before);
    expect(await list<SourceResponse>('/api/v1/sources')).toEqual(ids);
    expect(await list<DestinationResponse>('/api/v1/destinations')).toHaveLength(1);
    expect(await list<ConnectionResponse>('/api/v1/connections')).toHaveLength(1);
  });

  it('updates a changed secret, URL and filter in place', async () => {
    await declared.apply(config());
    const [before] = await list<DestinationResponse>('/api/v1/destinations');

    const changed = config(
      { GITHUB_WEBHOOK_SECRET: 'gh-secret-2', TARGET_URL: target.url('/v2') },
      FILE.replace('X-GitHub-Event: push', 'X-GitHub-Event: release'),
    );
    expect(await declared.apply(changed)).toEqual({
      sources: counts(0, 1, 0),
      destinations: counts(0, 1, 0),
      connections: counts(0, 1, 0),
    });
    const [after] = await list<DestinationResponse>('/api/v1/destinations');
    expect(after).toMatchObject({ id: before.id, url: target.url('/v2') });
    const secrets = await withDb(async (c) => {
      const { rows } = await c.query<{ secrets: string[] }>(
        `SELECT verification->'secrets' AS secrets FROM sources WHERE slug = 'github'`,
      );
      return rows[0].secrets;
    });
    expect(secrets).toEqual(['gh-secret-2']);
    const [connection] = await list<ConnectionResponse>('/api/v1/connections');
    expect(connection.filter).toEqual({ headers: { 'X-GitHub-Event': 'release' } });
  });

  it('verifies ingest with the declared secret and forwards per the declared connection', async () => {
    await declared.apply(config());
    const push = '{"ref":"refs/heads/main"}';

    expect((await ingest(push, sign.github('wrong-secret', push))).status).toBe(401);

    const issue = await ingest('{"issue":1}', {
      ...sign.github('gh-secret-1', '{"issue":1}'),
      'x-github-event': 'issues',
    });
    expect(issue.status).toBe(202);
    expect(await list<DeliveryResponse>(`/api/v1/deliveries?eventId=${issue.id}`)).toEqual([]);

    const accepted = await ingest(push, {
      ...sign.github('gh-secret-1', push),
      'x-github-event': 'push',
    });
    expect(accepted.status).toBe(202);
    const [received] = await eventually(() => target.received.length > 0 && target.received);
    expect(received.url).toBe('/hooks');
    expect(received.body.toString()).toBe(push);
    expect(received.headers['x-hookyard-event-id']).toBe(accepted.id);
    expect(received.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('leaves fields the file does not write, and rows it does not mention, as they are', async () => {
    await declared.apply(config());
    const [destination] = await list<DestinationResponse>('/api/v1/destinations');
    const paused = await server.api(`/api/v1/destinations/${destination.id}`, {
      method: 'PATCH',
      json: { paused: true },
    });
    expect(paused.status).toBe(200);

    const onlyTheDestination = `destinations:\n  - name: local-api\n    url: \${TARGET_URL}\n`;
    expect(await declared.apply(config({}, onlyTheDestination))).toEqual({
      sources: counts(0, 0, 0),
      destinations: counts(0, 0, 1),
      connections: counts(0, 0, 0),
    });
    const [after] = await list<DestinationResponse>('/api/v1/destinations');
    // `retry` and `signingSecret` are no longer written, `paused` never was: all kept.
    expect(after).toMatchObject({
      paused: true,
      hasSigningSecret: true,
      retry: { maxAttempts: 2 },
    });
    expect(await list<SourceResponse>('/api/v1/sources')).toHaveLength(1);
    expect(await list<ConnectionResponse>('/api/v1/connections')).toHaveLength(1);
  });

  it('connects to rows already in the database, and refuses unknown names before any write', async () => {
    const created = await server.api('/api/v1/sources', {
      method: 'POST',
      json: { name: 'Made by hand', slug: 'by-hand' },
    });
    expect(created.status).toBe(201);
    const connectExisting = `destinations:
  - name: local-api
    url: \${TARGET_URL}
connections:
  - source: by-hand
    destination: local-api
`;
    expect(await declared.apply(config({}, connectExisting))).toMatchObject({
      connections: counts(1, 0, 0),
    });

    await truncateAll();
    const unknown = `${FILE}  - source: gitlab\n    destination: nowhere\n`;
    expect(await refusal(declared.apply(config({}, unknown)))).toBe(
      'hookyard.yaml:15:5: connections[1].source: no source with slug "gitlab" is declared or exists (and 1 more problem)',
    );
    expect(await list<SourceResponse>('/api/v1/sources')).toEqual([]);
    expect(await list<DestinationResponse>('/api/v1/destinations')).toEqual([]);
  });

  it("refuses what the server's own limits refuse, naming the entry", async () => {
    const tooLarge = `sources:\n  - name: Big\n    slug: big\n    maxBodyBytes: 209715200\n`;
    expect(await refusal(declared.apply(config({}, tooLarge)))).toBe(
      'hookyard.yaml:2:5: sources[0]: maxBodyBytes: must be at most 104857600 (HOOKYARD_MAX_BODY_BYTES)',
    );
  });
});
