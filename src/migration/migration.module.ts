import { Module } from '@nestjs/common';
import { IndexesModule } from '../indexes/indexes.module';
import { UsersModule } from '../users/users.module';
import { MigrationService } from './migration.service';

/** Adopting a database the Express backend wrote (the `migrate` CLI command). */
@Module({
  imports: [UsersModule, IndexesModule],
  providers: [MigrationService],
  exports: [MigrationService],
})
export class MigrationModule {}
