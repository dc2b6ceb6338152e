/** A stand-in for the browser's `EventSource`: tests push server-sent events through `emit`. */
export class EventSourceStub {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: EventSourceStub[] = [];

  readonly url: string;
  readyState = EventSourceStub.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly listeners = new Map<string, Set<(event: MessageEvent<string>) => void>>();

  constructor(url: string) {
    this.url = url;
    EventSourceStub.instances.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(listener);
  }

  removeEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  close(): void {
    this.readyState = EventSourceStub.CLOSED;
  }

  open(): void {
    this.readyState = EventSourceStub.OPEN;
    this.onopen?.();
  }

  emit(type: string, data: unknown): void {
    const event = new MessageEvent<string>(type, { data: JSON.stringify(data) });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }

  static install(): void {
    EventSourceStub.instances = [];
    (globalThis as { EventSource?: unknown }).EventSource = EventSourceStub;
  }

  static latest(): EventSourceStub {
    const last = EventSourceStub.instances.at(-1);
    if (!last) throw new Error('No EventSource was opened');
    return last;
  }
}
