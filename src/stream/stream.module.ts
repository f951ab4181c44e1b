import { Module } from '@nestjs/common';
import { StreamService } from './stream.service';

/** Provides the one StreamService that Auth, Users and Chat share. */
@Module({ providers: [StreamService], exports: [StreamService] })
export class StreamModule {}
