import { MongooseModule } from '@nestjs/mongoose';
import { ModerationFlag, ModerationFlagSchema } from './schemas/moderation-flag.schema';
import { WebhookCall, WebhookCallSchema } from './schemas/webhook-call.schema';

/** The collections the webhooks module owns; the CLI registers them too, so `indexes` builds their indexes. */
export const webhooksSchemas = () =>
  MongooseModule.forFeature([
    { name: WebhookCall.name, schema: WebhookCallSchema },
    { name: ModerationFlag.name, schema: ModerationFlagSchema },
  ]);
