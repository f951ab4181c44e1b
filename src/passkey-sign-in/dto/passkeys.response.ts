import { ApiProperty } from '@nestjs/swagger';
import { PasskeyView } from '../../passkeys/passkey.view';
import { UserView } from '../../users/user.view';

export class PasskeyListResponse {
  @ApiProperty({ type: [PasskeyView] }) passkeys!: PasskeyView[];
}

export class PasskeyResponse {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ type: PasskeyView }) passkey!: PasskeyView;
}

/** A sign-in's answer, the shape of the seed's login (auth/ owns that one; the layers keep flows apart). */
export class PasskeySignInResponse {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ type: UserView }) user!: UserView;
}
