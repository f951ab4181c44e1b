import { ApiProperty } from '@nestjs/swagger';

export class BlockResponse {
  @ApiProperty() blockedUserId!: string;
  @ApiProperty() blockedAt!: Date;
}
