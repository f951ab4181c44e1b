import { ApiProperty } from '@nestjs/swagger';
import { UserView } from '../../users/user.view';

export class UserResponse {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ type: UserView }) user!: UserView;
}

export class LogoutResponse {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ example: 'Logout successful' }) message!: string;
}
