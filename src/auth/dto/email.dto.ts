import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { SignupDto } from './signup.dto';

/** POST /api/auth/email/verification: `email` only when not signed in (signed in, it is my address). */
export class ResendVerificationDto extends PartialType(PickType(SignupDto, ['email'] as const)) {}

/**
 * POST /api/auth/email/verify: the link's `token`, or a `code` with whose it is: the `email` it was sent to, or
 * (without `email`) the signed-in user's.
 */
export class VerifyEmailDto extends PartialType(PickType(SignupDto, ['email'] as const)) {
  @ApiPropertyOptional({
    description: 'With `code`: the address the code was sent to (not needed signed in)',
  })
  declare email?: string;

  @ApiPropertyOptional({ description: 'The token of the mailed link (`…/verify-email?token=…`)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  token?: string;

  @ApiPropertyOptional({ example: '042917', description: 'The 6-digit code of the mail' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits of the mail' })
  code?: string;
}

/** PUT /api/auth/email: the new address, and my password again. */
export class ChangeEmailDto extends PickType(SignupDto, ['email'] as const) {
  @ApiProperty({ description: "The account's current password" })
  @IsNotEmpty()
  @IsString()
  @MaxLength(1024)
  password!: string;
}
