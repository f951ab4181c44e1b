import { Module } from '@nestjs/common';
import { flagsSchemas } from './flags-schemas';
import { ModerationFlagsService } from './moderation-flags.service';

/** What Stream reported for moderators: webhooks/ records flags, moderation/ lists and resolves them. */
@Module({
  imports: [flagsSchemas()],
  providers: [ModerationFlagsService],
  exports: [ModerationFlagsService],
})
export class FlagsModule {}
