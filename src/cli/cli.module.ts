import { Module } from '@nestjs/common';
import { CoreModule } from '../core.module';

/** The admin CLI: the same configuration, database and StreamService as the API, without HTTP. */
@Module({ imports: [CoreModule] })
export class CliModule {}
