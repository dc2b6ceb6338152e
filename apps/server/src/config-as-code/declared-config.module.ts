import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../modules/connections/connections.module';
import { DestinationsModule } from '../modules/destinations/destinations.module';
import { SourcesModule } from '../modules/sources/sources.module';
import { DeclaredConfigService } from './declared-config.service';

/** `hookyard.yaml`: parsed before the app starts (`parseDeclaredConfig`), applied after init. */
@Module({
  imports: [SourcesModule, DestinationsModule, ConnectionsModule],
  providers: [DeclaredConfigService],
  exports: [DeclaredConfigService],
})
export class DeclaredConfigModule {}
