import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsModule } from '../accounts/accounts.module';
import { ModerationFlagsService } from './moderation-flags.service';
import { ModerationFlag, ModerationFlagSchema } from './schemas/moderation-flag.schema';
import { WebhookCall, WebhookCallSchema } from './schemas/webhook-call.schema';
import { StreamWebhookController } from './stream-webhook.controller';
import { StreamWebhookService } from './stream-webhook.service';

/** Events Stream calls back with (POST /api/stream/webhook): user deletions and moderation flags. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: WebhookCall.name, schema: WebhookCallSchema },
      { name: ModerationFlag.name, schema: ModerationFlagSchema },
    ]),
    AccountsModule,
  ],
  controllers: [StreamWebhookController],
  providers: [StreamWebhookService, ModerationFlagsService],
})
export class WebhooksModule {}
