import { Injectable } from '@nestjs/common';
import { RoutingChanges } from '../../database/routing-changes';
import { ConnectionsRepository, type Route } from '../connections/connections.repository';
import type { SourceEntity } from '../sources/source.entity';
import { SourcesRepository } from '../sources/sources.repository';

export interface Routing {
  source: SourceEntity;
  routes: Route[];
}

interface Entry {
  routing: Promise<Routing | null>;
  generation: number;
  expiresAt: number;
}

/** A safety net only: changes arrive through `RoutingChanges` long before this. */
const TTL_MS = 5_000;
/** Slugs kept at most; past that the oldest go first (real traffic uses a handful). */
const MAX_ENTRIES = 1_000;

/**
 * A source and its routes by slug, read once and reused by every request until anything that
 * routes may have changed (`RoutingChanges`). Concurrent requests for a slug share one read.
 * An unknown slug is not remembered, so a source is found the moment it is created.
 */
@Injectable()
export class RoutingCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly sources: SourcesRepository,
    private readonly connections: ConnectionsRepository,
    private readonly changes: RoutingChanges,
  ) {}

  find(slug: string): Promise<Routing | null> {
    const now = Date.now();
    const entry = this.entries.get(slug);
    if (entry && entry.generation === this.changes.current && entry.expiresAt > now) {
      return entry.routing;
    }
    if (!this.changes.live) return this.read(slug);
    const generation = this.changes.current;
    const routing = this.read(slug);
    this.entries.delete(slug);
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(slug, { routing, generation, expiresAt: now + TTL_MS });
    routing.then(
      (found) => {
        if (!found) this.forget(slug, routing);
      },
      () => this.forget(slug, routing),
    );
    return routing;
  }

  private forget(slug: string, routing: Promise<Routing | null>): void {
    if (this.entries.get(slug)?.routing === routing) this.entries.delete(slug);
  }

  private async read(slug: string): Promise<Routing | null> {
    const source = await this.sources.findBySlug(slug);
    if (!source) return null;
    return { source, routes: await this.connections.findRoutes(source.id) };
  }
}
