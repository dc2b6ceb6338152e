import { Controller, Get, Query } from '@nestjs/common';
import { statsQuerySchema, type StatsQuery } from '@hookyard/contracts';
import { query } from '../../common/zod-validation.pipe';
import { StatsService } from './stats.service';

@Controller('api/v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  overview(@Query(query(statsQuerySchema)) filter: StatsQuery) {
    return this.stats.overview(filter);
  }
}
