import { ApiProperty } from '@nestjs/swagger';
import { SessionView } from '../../identity/session.view';
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

export class SessionListResponse {
  @ApiProperty({ type: [SessionView] }) sessions!: SessionView[];
}
