import { ApiProperty } from '@nestjs/swagger';

/** One of my sessions as the sessions API and the data export show it. */
export class SessionView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'Chrome on macOS', description: 'From the User-Agent that signed in' })
  device!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ description: 'Last use, to within SESSION_TOUCH_INTERVAL_SECONDS' }) lastUsedAt!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ description: 'The session making this request' }) current!: boolean;
  @ApiProperty({
    enum: ['aal1', 'aal2'],
    description: 'aal2: signed in with a second factor (or a passkey); aal1: one factor',
  })
  aal!: 'aal1' | 'aal2';
}
