import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuthGuard } from '../common/auth.guard';
import { HttpExceptionFilter } from '../common/http-exception.filter';
import type { AppConfig } from '../config/config';
import { ConfigModule } from '../config/config.module';
import { DeclaredConfigModule } from '../config-as-code/declared-config.module';
import { dataSourceOptions } from '../database/data-source';
import { EmbeddedMaintenance } from '../database/embedded-maintenance';
import { RoutingChangesModule } from '../database/routing-changes';
import { CliModule } from '../modules/cli/cli.module';
import { ConnectionsModule } from '../modules/connections/connections.module';
import { DeliveriesModule } from '../modules/deliveries/deliveries.module';
import { DestinationsModule } from '../modules/destinations/destinations.module';
import { EventsModule } from '../modules/events/events.module';
import { HealthModule } from '../modules/health/health.module';
import { IngestModule } from '../modules/ingest/ingest.module';
import { MetricsModule } from '../modules/metrics/metrics.module';
import { RedisModule } from '../modules/redis/redis.module';
import { SourcesModule } from '../modules/sources/sources.module';
import { StatsModule } from '../modules/stats/stats.module';
import { StreamModule } from '../modules/stream/stream.module';
import { loggerOptions } from './logger';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config)),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
        RoutingChangesModule,
        RedisModule,
        StreamModule,
        MetricsModule,
        HealthModule,
        SourcesModule,
        DestinationsModule,
        ConnectionsModule,
        EventsModule,
        DeliveriesModule.forRoot(config),
        IngestModule,
        CliModule,
        StatsModule,
        DeclaredConfigModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        EmbeddedMaintenance,
      ],
    };
  }
}
