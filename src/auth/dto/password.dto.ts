import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsByteLength, IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { trimmedLowerCase } from '../../common/transforms';

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

export class ForgotPasswordDto {
  @ApiProperty({ example: 'ana@example.com' })
  @Transform(trimmedLowerCase)
  @IsNotEmpty()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;
}

export class ResetPasswordDto {
  @ApiProperty({ description: 'The token from the reset link' })
  @IsNotEmpty()
  @IsString()
  @MaxLength(256)
  token!: string;

  @NewPassword()
  newPassword!: string;
}
