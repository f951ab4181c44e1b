import { applyDecorators } from '@nestjs/common';
import { ApiProperty, PickType } from '@nestjs/swagger';
import { IsByteLength, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { SignupDto } from './signup.dto';

/** The same rule as signup: bcrypt ignores bytes past 72, so refuse rather than truncate. */
const NewPassword = () =>
  applyDecorators(
    ApiProperty({ minLength: 6, description: '6 to 72 bytes (UTF-8)' }),
    IsNotEmpty(),
    IsString(),
    IsByteLength(6, 72, { message: '$property must be 6 to 72 bytes long' }),
  );

export class ChangePasswordDto {
  @ApiProperty({ description: "The account's current password" })
  @IsNotEmpty()
  @IsString()
  @MaxLength(1024)
  currentPassword!: string;

  @NewPassword()
  newPassword!: string;
}

export class ForgotPasswordDto extends PickType(SignupDto, ['email'] as const) {}

export class ResetPasswordDto {
  @ApiProperty({ description: 'The token from the reset link' })
  @IsNotEmpty()
  @IsString()
  @MaxLength(256)
  token!: string;

  @NewPassword()
  newPassword!: string;
}
