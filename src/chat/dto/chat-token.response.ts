import { ApiProperty } from '@nestjs/swagger';

export class ChatTokenResponse {
  @ApiProperty({ description: 'Stream user token (HS256) with iat and exp' }) token!: string;
  @ApiProperty({ description: 'Stream app key, for StreamChat.getInstance(apiKey)' }) apiKey!: string;
  @ApiProperty({ description: 'The Stream user id (the app user id)' }) userId!: string;
  @ApiProperty({ description: 'When the token expires (ISO 8601)' }) expiresAt!: string;
}

export class RevokeTokensResponse {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ description: 'Stream tokens issued before this instant no longer work (ISO 8601)' })
  revokedBefore!: string;
}

export class DirectChannelResponse {
  @ApiProperty({ example: 'messaging' }) type!: string;
  @ApiProperty({ description: 'The two user ids, sorted, joined with "-"' }) id!: string;
  @ApiProperty({ example: 'messaging:64f...-650...' }) cid!: string;
  @ApiProperty({ type: [String] }) members!: string[];
}
