import { Module } from '@nestjs/common';
import { IndexesService } from './indexes.service';

/** The indexes the app relies on: what is missing, and building it (the `indexes` CLI command, readiness). */
@Module({
  providers: [IndexesService],
  exports: [IndexesService],
})
export class IndexesModule {}
