import { MongooseModule } from '@nestjs/mongoose';
import { ModerationFlag, ModerationFlagSchema } from './schemas/moderation-flag.schema';

/** The collection this folder owns; the CLI registers it too, so `indexes` builds its indexes. */
export const flagsSchemas = () =>
  MongooseModule.forFeature([{ name: ModerationFlag.name, schema: ModerationFlagSchema }]);
