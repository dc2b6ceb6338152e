import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

export type Responder = (req: ReceivedRequest, res: ServerResponse) => void;

/** A real HTTP target on loopback that records what arrives and answers as told. */
export class Target {
  readonly received: ReceivedRequest[] = [];
  private server!: Server;
  private responder: Responder = (_req, res) => res.writeHead(200).end('ok');

  static async start(responder?: Responder): Promise<Target> {
    const target = new Target();
    if (responder) target.respond(responder);
    target.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
          at: Date.now(),
        };
        target.received.push(request);
        target.responder(request, res);
      });
    });
    target.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => target.server.listen(0, '127.0.0.1', resolve));
    return target;
  }

  /** Answers with these statuses in turn, then the last one forever. */
  static statuses(...codes: number[]): Responder {
    let i = 0;
    return (_req, res) =>
      res
        .writeHead(codes[Math.min(i++, codes.length - 1)])
        .end(`status ${codes[Math.min(i - 1, codes.length - 1)]}`);
  }

  respond(responder: Responder): void {
    this.responder = responder;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
