import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CreateSource, Page, SourceResponse, UpdateSource } from '@hookyard/contracts';
import { ConflictError, InvalidInputError, NotFoundError } from '../../common/domain-errors';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { isUniqueViolation } from '../../database/postgres-errors';
import { toSourceResponse } from './source.mapper';
import { SourceEntity } from './source.entity';
import { SourcesRepository } from './sources.repository';

@Injectable()
export class SourcesService {
  constructor(
    private readonly sources: SourcesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(input: CreateSource): Promise<SourceResponse> {
    this.checkBodyLimit(input.maxBodyBytes);
    const now = new Date();
    const source = Object.assign(new SourceEntity(), {
      id: randomUUID(),
      ...input,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    await this.write(() => this.sources.insert(source), input.slug);
    return this.toResponse(source);
  }

  async list(): Promise<Page<SourceResponse>> {
    const sources = await this.sources.findAll();
    return { data: sources.map((s) => this.toResponse(s)), nextCursor: null };
  }

  async get(id: string): Promise<SourceResponse> {
    return this.toResponse(await this.find(id));
  }

  async update(id: string, patch: UpdateSource): Promise<SourceResponse> {
    if (patch.maxBodyBytes !== undefined) this.checkBodyLimit(patch.maxBodyBytes);
    const source = await this.find(id);
    Object.assign(source, patch, { updatedAt: new Date() });
    await this.write(() => this.sources.save(source), source.slug);
    return this.toResponse(source);
  }

  /** Soft delete: the slug is free again, the source's events stay readable. */
  async remove(id: string): Promise<void> {
    await this.find(id);
    await this.sources.softDelete(id, new Date());
  }

  private async find(id: string): Promise<SourceEntity> {
    const source = await this.sources.findById(id);
    if (!source) throw NotFoundError.of('Source', id);
    return source;
  }

  private checkBodyLimit(maxBodyBytes: number): void {
    if (maxBodyBytes > this.config.maxBodyBytes) {
      throw new InvalidInputError(
        `maxBodyBytes: must be at most ${this.config.maxBodyBytes} (HOOKYARD_MAX_BODY_BYTES)`,
      );
    }
  }

  private async write(op: () => Promise<unknown>, slug: string): Promise<void> {
    try {
      await op();
    } catch (error) {
      if (isUniqueViolation(error, 'sources_slug_key')) {
        throw new ConflictError(`A source with slug "${slug}" already exists`);
      }
      throw error;
    }
  }

  private toResponse(source: SourceEntity): SourceResponse {
    return toSourceResponse(source, this.config.publicUrl);
  }
}
