import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import type { CreateDestination, CreateSource } from '@hookyard/contracts';
import { DomainError } from '../common/domain-errors';
import { ConnectionsRepository } from '../modules/connections/connections.repository';
import { ConnectionsService } from '../modules/connections/connections.service';
import type { DestinationEntity } from '../modules/destinations/destination.entity';
import { DestinationsRepository } from '../modules/destinations/destinations.repository';
import { DestinationsService } from '../modules/destinations/destinations.service';
import { SourcesRepository } from '../modules/sources/sources.repository';
import { SourcesService } from '../modules/sources/sources.service';
import {
  DeclaredConfigError,
  type Declared,
  type DeclaredConfig,
  type DeclaredConnectionInput,
} from './declared-config';

export interface ApplyCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ApplySummary {
  sources: ApplyCounts;
  destinations: ApplyCounts;
  connections: ApplyCounts;
}

type Outcome = keyof ApplyCounts;

/** A JSON column read back from PostgreSQL has no `undefined` members and its own key order. */
const sameJson = (a: unknown, b: unknown) =>
  isDeepStrictEqual(
    JSON.parse(JSON.stringify(a) ?? 'null'),
    JSON.parse(JSON.stringify(b) ?? 'null'),
  );

/** The written fields whose value differs from the row's. */
function changes<T extends object>(
  current: { [K in keyof T]: unknown },
  entry: Declared<T>,
): Partial<T> {
  const patch: Partial<T> = {};
  for (const key of entry.written) {
    if (!sameJson(current[key], entry.input[key])) patch[key] = entry.input[key];
  }
  return patch;
}

/**
 * Applies `hookyard.yaml` at start, through the same services as the API (same rules, same
 * errors). Idempotent: what is missing is created, what differs is updated (secrets included),
 * what is equal is not written at all (its `updated_at` stays). Nothing the file does not
 * mention is ever deleted: removing an entry from the file leaves the row as it is.
 *
 * The services do not share a transaction, so each step is its own upsert: references are
 * checked before the first write, and a run that fails half-way converges when run again.
 * Destination names are not unique in the schema: run it from one process at a time.
 */
@Injectable()
export class DeclaredConfigService {
  constructor(
    private readonly sourcesRepository: SourcesRepository,
    private readonly destinationsRepository: DestinationsRepository,
    private readonly connectionsRepository: ConnectionsRepository,
    private readonly sourcesService: SourcesService,
    private readonly destinationsService: DestinationsService,
    private readonly connectionsService: ConnectionsService,
  ) {}

  async apply(config: DeclaredConfig): Promise<ApplySummary> {
    const summary: ApplySummary = {
      sources: { created: 0, updated: 0, unchanged: 0 },
      destinations: { created: 0, updated: 0, unchanged: 0 },
      connections: { created: 0, updated: 0, unchanged: 0 },
    };
    const destinationsByName = await this.destinationsByName();
    // Ids by slug and by name: first the rows the connections name but the file does not declare.
    const { sourceIds, destinationIds } = await this.resolveReferences(config, destinationsByName);

    for (const entry of config.sources) {
      const [outcome, id] = await this.step(entry, () => this.applySource(entry));
      sourceIds.set(entry.input.slug, id);
      summary.sources[outcome]++;
    }
    for (const entry of config.destinations) {
      const existing = destinationsByName.get(entry.input.name)?.[0];
      const [outcome, id] = await this.step(entry, () => this.applyDestination(entry, existing));
      destinationIds.set(entry.input.name, id);
      summary.destinations[outcome]++;
    }
    for (const entry of config.connections) {
      const sourceId = sourceIds.get(entry.input.source);
      const destinationId = destinationIds.get(entry.input.destination);
      if (!sourceId || !destinationId) throw new Error(`${entry.path}: unresolved reference`);
      const outcome = await this.step(entry, () =>
        this.applyConnection(entry, sourceId, destinationId),
      );
      summary.connections[outcome]++;
    }
    return summary;
  }

  private async applySource(entry: Declared<CreateSource>) {
    const existing = await this.sourcesRepository.findBySlug(entry.input.slug);
    if (!existing) return ['created', (await this.sourcesService.create(entry.input)).id] as const;
    const patch = changes(existing, entry);
    if (Object.keys(patch).length === 0) return ['unchanged', existing.id] as const;
    await this.sourcesService.update(existing.id, patch);
    return ['updated', existing.id] as const;
  }

  private async applyDestination(
    entry: Declared<CreateDestination>,
    existing: DestinationEntity | undefined,
  ) {
    if (!existing) {
      return ['created', (await this.destinationsService.create(entry.input)).id] as const;
    }
    const patch = changes(existing, entry);
    if (Object.keys(patch).length === 0) return ['unchanged', existing.id] as const;
    await this.destinationsService.update(existing.id, patch);
    return ['updated', existing.id] as const;
  }

  private async applyConnection(
    entry: Declared<DeclaredConnectionInput>,
    sourceId: string,
    destinationId: string,
  ): Promise<Outcome> {
    const [existing] = await this.connectionsRepository.find({ sourceId, destinationId });
    const { filter } = entry.input;
    if (!existing) {
      await this.connectionsService.create({ sourceId, destinationId, filter });
      return 'created';
    }
    if (!entry.written.includes('filter') || sameJson(existing.filter, filter)) return 'unchanged';
    await this.connectionsService.update(existing.id, { filter });
    return 'updated';
  }

  /** Non-deleted destinations by name (names are not unique: several may share one). */
  private async destinationsByName(): Promise<Map<string, DestinationEntity[]>> {
    const byName = new Map<string, DestinationEntity[]>();
    for (const d of await this.destinationsRepository.findAll()) {
      byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
    }
    return byName;
  }

  /**
   * Before any write: every name must lead to exactly one row, declared in the file or already
   * in the database. Returns the ids of the rows that are referenced but not declared.
   */
  private async resolveReferences(
    config: DeclaredConfig,
    destinationsByName: Map<string, DestinationEntity[]>,
  ): Promise<{ sourceIds: Map<string, string>; destinationIds: Map<string, string> }> {
    const sourceIds = new Map<string, string>();
    const destinationIds = new Map<string, string>();
    const problems: string[] = [];
    const ambiguous = (name: string) =>
      `${destinationsByName.get(name)?.length ?? 0} destinations are named ${JSON.stringify(name)}: rename or delete all but one`;
    for (const entry of config.destinations) {
      if ((destinationsByName.get(entry.input.name)?.length ?? 0) > 1) {
        problems.push(`${entry.at}: ${entry.path}.name: ${ambiguous(entry.input.name)}`);
      }
    }
    const declaredSlugs = new Set(config.sources.map((s) => s.input.slug));
    const declaredNames = new Set(config.destinations.map((d) => d.input.name));
    for (const entry of config.connections) {
      const { source, destination } = entry.input;
      if (!declaredSlugs.has(source)) {
        const found = await this.sourcesRepository.findBySlug(source);
        if (found) sourceIds.set(source, found.id);
        else
          problems.push(
            `${entry.at}: ${entry.path}.source: no source with slug ${JSON.stringify(source)} is declared or exists`,
          );
      }
      if (!declaredNames.has(destination)) {
        const found = destinationsByName.get(destination) ?? [];
        if (found.length === 1) destinationIds.set(destination, found[0].id);
        else
          problems.push(
            `${entry.at}: ${entry.path}.destination: ${
              found.length === 0
                ? `no destination named ${JSON.stringify(destination)} is declared or exists`
                : ambiguous(destination)
            }`,
          );
      }
    }
    if (problems.length > 0) throw new DeclaredConfigError(problems);
    return { sourceIds, destinationIds };
  }

  /** A rule of the API that the file breaks (a body limit over the server's) names the entry. */
  private async step<R>(entry: { at: string; path: string }, write: () => Promise<R>): Promise<R> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof DomainError) {
        throw new DeclaredConfigError([`${entry.at}: ${entry.path}: ${error.message}`]);
      }
      throw error;
    }
  }
}
