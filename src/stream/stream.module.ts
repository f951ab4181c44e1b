import { Global, Module } from '@nestjs/common';
import { StreamService } from './stream.service';

/**
 * The one StreamService (the only owner of the stream-chat client), imported once at the root of the API and of
 * the CLI and shared by the modules that talk to Stream: accounts, chat and health.
 */
@Global()
@Module({ providers: [StreamService], exports: [StreamService] })
export class StreamModule {}
