import { MongooseModule } from '@nestjs/mongoose';
import { WebhookCall, WebhookCallSchema } from './schemas/webhook-call.schema';

/** The collection the webhooks module owns; the CLI registers it too, so `indexes` builds its indexes. */
export const webhooksSchemas = () =>
  MongooseModule.forFeature([{ name: WebhookCall.name, schema: WebhookCallSchema }]);
