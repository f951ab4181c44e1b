import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { FlagsModule } from '../flags/flags.module';
import { StreamWebhookController } from './stream-webhook.controller';
import { StreamWebhookService } from './stream-webhook.service';
import { webhooksSchemas } from './webhooks-schemas';

/** Events Stream calls back with (POST /api/stream/webhook): user deletions and moderation flags. */
@Module({
  imports: [webhooksSchemas(), AccountsModule, FlagsModule],
  controllers: [StreamWebhookController],
  providers: [StreamWebhookService],
})
export class WebhooksModule {}
