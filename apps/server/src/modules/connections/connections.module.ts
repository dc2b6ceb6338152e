import { Module } from '@nestjs/common';
import { DestinationsModule } from '../destinations/destinations.module';
import { SourcesModule } from '../sources/sources.module';
import { ConnectionsController } from './connections.controller';
import { ConnectionsRepository } from './connections.repository';
import { ConnectionsService } from './connections.service';

@Module({
  imports: [SourcesModule, DestinationsModule],
  controllers: [ConnectionsController],
  providers: [ConnectionsRepository, ConnectionsService],
  exports: [ConnectionsRepository, ConnectionsService],
})
export class ConnectionsModule {}
