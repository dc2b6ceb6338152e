import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, launchBrowser, screenshot, startHookyard, type Hookyard } from './harness';

/** A webhook target on loopback whose answer the test changes. */
class Target {
  readonly bodies: string[] = [];
  status = 200;
  private server!: Server;

  static async start(status = 200): Promise<Target> {
    const t = new Target();
    t.status = status;
    t.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        t.bodies.push(body);
        res.writeHead(t.status, { 'content-type': 'text/plain' }).end(`answered ${t.status}`);
      });
    });
    await new Promise<void>((resolve) => t.server.listen(0, '127.0.0.1', resolve));
    return t;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let hookyard: Hookyard;
let browser: Browser;
let page: Page;
const targets: Target[] = [];

beforeAll(async () => {
  hookyard = await startHookyard();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await hookyard?.stop();
  await Promise.all(targets.map((t) => t.close()));
});
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});
afterEach(async () => {
  await page.close();
});

async function signIn(): Promise<void> {
  await page.goto(`${hookyard.url}/sign-in`);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/events$/);
  await page.getByRole('heading', { name: 'Events' }).waitFor();
}

async function webhook(
  slug: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const res = await fetch(`${hookyard.url}/in/${slug}/orders?x=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function wire(
  slug: string,
  target: Target,
  retry = { maxAttempts: 1, initialDelayMs: 100, maxDelayMs: 100 },
) {
  const source = await hookyard.api<{ id: string }>('/api/v1/sources', 'POST', {
    name: `Source ${slug}`,
    slug,
  });
  const destination = await hookyard.api<{ id: string }>('/api/v1/destinations', 'POST', {
    name: `Service ${slug}`,
    url: target.url(),
    retry,
  });
  await hookyard.api('/api/v1/connections', 'POST', {
    sourceId: source.id,
    destinationId: destination.id,
  });
}

it('signs in with the token, and with a link carrying it in the fragment', async () => {
  await page.goto(`${hookyard.url}/sign-in`);
  await page.getByLabel('Admin token').fill('wrong-token-0000000000');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('The server refused this token').waitFor();
  await screenshot(page, '01-sign-in-refused');
  await signIn();
  await screenshot(page, '02-events-empty');

  const fresh = await browser.newPage();
  await fresh.goto(`${hookyard.url}/#token=${ADMIN_TOKEN}`);
  await fresh.waitForURL(/\/events$/);
  expect(fresh.url()).not.toContain(ADMIN_TOKEN);
  await fresh.close();
});

it('shows a new webhook live, then its headers and JSON body', async () => {
  await hookyard.api('/api/v1/sources', 'POST', { name: 'Shop', slug: 'shop' });
  await signIn();
  await page.getByLabel(/Live stream: /).waitFor();
  const id = await webhook('shop', '{"order_id":4242,"total":"19.90"}', {
    'X-Shop-Topic': 'orders/create',
  });
  // No reload: the row arrives over the live stream.
  await page
    .getByRole('table', { name: 'Events' })
    .getByText('/orders')
    .first()
    .waitFor({ timeout: 10_000 });
  await screenshot(page, '03-events-live');
  await page.goto(`${hookyard.url}/events/${id}`);
  await page.getByText('4242').first().waitFor();
  await page.getByRole('tab', { name: /Headers/ }).click();
  await page.getByText('X-Shop-Topic').first().waitFor();
  await page.getByText('orders/create').first().waitFor();
  await screenshot(page, '04-event');
});

it("shows a failing delivery's attempts, and Retry delivers it once the target is fixed", async () => {
  const target = await Target.start(500);
  targets.push(target);
  await wire('billing', target);
  const id = await webhook('billing', '{"invoice":7}');
  await signIn();
  await page.goto(`${hookyard.url}/events/${id}`);
  // Exact badge texts: a bare "500" or "200" can also stand inside an id on the page.
  await page
    .getByText('500 Internal Server Error', { exact: true })
    .first()
    .waitFor({ timeout: 15_000 });
  await screenshot(page, '05-delivery-failed');
  target.status = 200;
  await page.getByRole('button', { name: 'Retry' }).first().click();
  await page.getByText('Attempt 2', { exact: true }).waitFor({ timeout: 15_000 });
  await page.getByText('200 OK', { exact: true }).first().waitFor();
  expect(target.bodies).toEqual(['{"invoice":7}', '{"invoice":7}']);
  await screenshot(page, '06-delivery-retried');
});

it('replays an event to another URL', async () => {
  const first = await Target.start(200);
  const other = await Target.start(200);
  targets.push(first, other);
  await wire('crm', first);
  const id = await webhook('crm', '{"contact":"ada"}');
  await signIn();
  await page.goto(`${hookyard.url}/events/${id}`);
  const form = page.getByRole('form', { name: 'Replay' });
  await form.getByText('URL', { exact: true }).click();
  await form.getByRole('textbox', { name: 'URL' }).fill(other.url('/replayed'));
  await form.getByRole('button', { name: 'Replay' }).click();
  for (let i = 0; i < 100 && other.bodies.length === 0; i++) await page.waitForTimeout(100);
  expect(other.bodies).toEqual(['{"contact":"ada"}']);
  await screenshot(page, '07-replayed');
});

it('creates a source and a destination through the forms, and shows the API message for bad input', async () => {
  await signIn();
  await page.goto(`${hookyard.url}/sources`);
  await page.getByRole('button', { name: 'New source' }).click();
  await page.getByLabel('Name').fill('GitHub');
  await page.getByLabel('Slug').fill('Bad Slug!');
  await page.getByRole('button', { name: 'Create source' }).click();
  await page
    .getByText(/lower-case letters/)
    .first()
    .waitFor();
  await screenshot(page, '08-source-form-error');
  await page.getByLabel('Slug').fill('github');
  await page.getByRole('button', { name: 'Create source' }).click();
  await page.getByText('/in/github').first().waitFor();
  await screenshot(page, '09-sources');
  const sources = await hookyard.api<{ data: { slug: string }[] }>('/api/v1/sources');
  expect(sources.data.map((s) => s.slug)).toContain('github');
  // A refusal only the server can make (a taken slug): its message reaches the form.
  await page.getByRole('button', { name: 'New source' }).click();
  await page.getByLabel('Name').fill('GitHub again');
  await page.getByLabel('Slug').fill('github');
  await page.getByRole('button', { name: 'Create source' }).click();
  await page.getByText('A source with slug "github" already exists').first().waitFor();
  await screenshot(page, '09b-source-conflict');
  await page.getByRole('button', { name: 'Cancel' }).click();

  await page.goto(`${hookyard.url}/destinations`);
  await page.getByRole('button', { name: 'New destination' }).click();
  await page.getByLabel('Name').fill('CI');
  await page.getByLabel('URL').fill('http://127.0.0.1:9/ci');
  await page.getByRole('button', { name: /Create destination/ }).click();
  await page.getByText('http://127.0.0.1:9/ci').first().waitFor();
  await screenshot(page, '10-destinations');
  const destinations = await hookyard.api<{ data: { name: string }[] }>('/api/v1/destinations');
  expect(destinations.data.map((d) => d.name)).toContain('CI');
});

it("sends a source's test event, signed with its secret, through to the connected target", async () => {
  const target = await Target.start(200);
  targets.push(target);
  const source = await hookyard.api<{ id: string }>('/api/v1/sources', 'POST', {
    name: 'Signed repo',
    slug: 'signed-repo',
    verification: { type: 'github', secrets: ['repo-secret'] },
  });
  const destination = await hookyard.api<{ id: string }>('/api/v1/destinations', 'POST', {
    name: 'Repo service',
    url: target.url(),
  });
  await hookyard.api('/api/v1/connections', 'POST', {
    sourceId: source.id,
    destinationId: destination.id,
  });
  await signIn();
  await page.goto(`${hookyard.url}/sources`);
  await page.getByRole('button', { name: 'Send test event to Signed repo' }).click();
  await page.getByText('Test event accepted').waitFor();
  await page.getByText(/^Signed repo answered 202: event [0-9a-f]{8}, in Events$/).waitFor();
  await screenshot(page, '09c-source-test-event');
  for (let i = 0; i < 100 && target.bodies.length === 0; i++) await page.waitForTimeout(100);
  expect(JSON.parse(target.bodies[0] ?? '{}')).toMatchObject({ type: 'hookyard.test' });
  await page.goto(`${hookyard.url}/events`);
  await page.getByRole('table', { name: 'Events' }).getByText('Signed repo').first().waitFor();
});

it('edits headers and body, replays, and shows the new response beside the original', async () => {
  const target = await Target.start(500);
  const fixed = await Target.start(201);
  targets.push(target, fixed);
  await wire('erp', target);
  const id = await webhook('erp', '{"sku":"A-1","qty":1}');
  await signIn();
  await page.goto(`${hookyard.url}/events/${id}`);
  await page
    .getByText('500 Internal Server Error', { exact: true })
    .first()
    .waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Edit and replay' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit and replay' });
  const body = dialog.getByRole('textbox', { name: 'Body' });
  await body.fill('{"sku":"A-1","qty":2}');
  await dialog.getByRole('button', { name: 'Add header' }).click();
  const rows = await dialog.getByRole('textbox', { name: /^Header \d+ name$/ }).count();
  await dialog.getByRole('textbox', { name: `Header ${rows} name` }).fill('X-Edited');
  await dialog.getByRole('textbox', { name: `Header ${rows} value` }).fill('yes');
  await dialog.getByText('URL', { exact: true }).click();
  await dialog.getByRole('textbox', { name: 'URL' }).fill(fixed.url('/fixed'));
  await screenshot(page, '11-edit-and-replay');
  await dialog.getByRole('button', { name: 'Send replay' }).click();
  const result = page.getByRole('dialog', { name: 'Replay result' });
  await result
    .getByRole('region', { name: 'Original response' })
    .getByText('500')
    .first()
    .waitFor();
  await result
    .getByRole('region', { name: 'Replay response' })
    .getByText('201')
    .first()
    .waitFor({ timeout: 15_000 });
  await screenshot(page, '12-replay-result');
  expect(fixed.bodies).toEqual(['{"sku":"A-1","qty":2}']);
  // The stored event is the provider's request, untouched.
  const event = await hookyard.api<{ body: string }>(`/api/v1/events/${id}`);
  expect(event.body).toBe('{"sku":"A-1","qty":1}');
});

it('shows the overview: volume, success rate and latency of what came before', async () => {
  const stats = await hookyard.api<{
    totals: { events: number; succeeded: number; attempts: number };
  }>('/api/v1/stats?range=24h');
  expect(stats.totals.events).toBeGreaterThan(0);
  await signIn();
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  const events = page.getByRole('region', { name: 'Events', exact: true });
  await events.getByText(stats.totals.events.toLocaleString('en-US'), { exact: true }).waitFor();
  await page
    .getByRole('region', { name: 'Success rate' })
    .getByText(`${stats.totals.succeeded} of ${stats.totals.attempts} attempts`)
    .waitFor();
  await page
    .getByRole('region', { name: 'Top failing destinations' })
    .getByText('Service erp')
    .waitFor();
  // Charts drew (Recharts renders SVG paths).
  await page.locator('.recharts-surface').first().waitFor();
  await screenshot(page, '13-overview');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, '14-overview-phone');
});

it('keeps a list of hundreds of events light: rows are rendered as they scroll into view', async () => {
  await hookyard.api('/api/v1/sources', 'POST', { name: 'Bulk', slug: 'bulk' });
  for (let i = 0; i < 300; i += 30) {
    await Promise.all(Array.from({ length: 30 }, (_, j) => webhook('bulk', `{"n":${i + j}}`)));
  }
  await signIn();
  const table = page.getByRole('table', { name: 'Events' });
  await table.getByText('/orders').first().waitFor();
  const rendered = await table.locator('tbody tr').count();
  expect(rendered).toBeLessThan(120);
  // Scrolling to the end loads the next pages until the list is complete.
  for (let i = 0; i < 30; i++) {
    await page.mouse.wheel(0, 20_000);
    await page.waitForTimeout(200);
    const total = Number(await table.getAttribute('aria-rowcount'));
    if (total > 300) break;
  }
  expect(Number(await table.getAttribute('aria-rowcount'))).toBeGreaterThan(300);
  expect(await table.locator('tbody tr').count()).toBeLessThan(120);
  await screenshot(page, '15-events-scrolled');
});
