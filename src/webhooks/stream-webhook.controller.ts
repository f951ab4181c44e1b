import { Controller, Headers, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { WebhookAckResponse } from './dto/webhook-ack.response';
import { StreamWebhookService } from './stream-webhook.service';

/** Stream's webhook calls: no session, the signature is the authentication. The body stays raw (app.setup.ts). */
@ApiTags('stream')
@Controller('stream/webhook')
export class StreamWebhookController {
  constructor(private readonly webhooks: StreamWebhookService) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiHeader({
    name: 'X-Signature',
    description: 'Hex HMAC-SHA256 of the (uncompressed) body with the app secret',
  })
  @ApiHeader({
    name: 'X-Webhook-Id',
    description: 'Stable across retries: a repeated id (or body) is acknowledged, not processed',
  })
  @ApiOkResponse({ type: WebhookAckResponse, description: 'Verified and queued, or a duplicate dropped' })
  @ApiBadRequestResponse({
    description:
      'No X-Webhook-Id, or an event without created_at or older than STREAM_WEBHOOK_MAX_AGE_SECONDS',
  })
  @ApiUnauthorizedResponse({ description: 'Missing or wrong signature: nothing was stored' })
  receive(
    @Req() req: Request,
    @Headers('x-signature') signature?: string,
    @Headers('x-webhook-id') webhookId?: string,
  ): Promise<WebhookAckResponse> {
    const raw: unknown = req.body;
    return this.webhooks.receive(Buffer.isBuffer(raw) ? raw : Buffer.alloc(0), signature, webhookId);
  }
}
