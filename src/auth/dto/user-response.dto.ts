import { ApiProperty } from '@nestjs/swagger';
import { UserView } from '../../users/user.view';

export class UserResponse {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ type: UserView }) user!: UserView;
}

/** `{ success, message }`: the shape of the seed's logout, for every endpoint that only confirms. */
export class MessageResponse {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty() message!: string;
}

export class SessionResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'Chrome on macOS', description: 'From the User-Agent that signed in' })
  device!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ description: 'Last use, to within SESSION_TOUCH_INTERVAL_SECONDS' }) lastUsedAt!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ description: 'The session making this request' }) current!: boolean;
}

export class SessionListResponse {
  @ApiProperty({ type: [SessionResponse] }) sessions!: SessionResponse[];
}
