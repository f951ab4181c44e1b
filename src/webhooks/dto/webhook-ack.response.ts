import { ApiProperty } from '@nestjs/swagger';

export class WebhookAckResponse {
  @ApiProperty({ enum: ['queued', 'duplicate'] }) status!: 'queued' | 'duplicate';
}
