import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { trimmed, trimmedLowerCase } from '../../common/transforms';
import { IsByteLength, IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class SignupDto {
  @ApiProperty({ example: 'ana@example.com' })
  @Transform(trimmedLowerCase)
  @IsNotEmpty()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;

  // bcrypt ignores bytes past 72: refuse rather than truncate silently.
  @ApiProperty({ minLength: 6, description: '6 to 72 bytes (UTF-8)' })
  @IsNotEmpty()
  @IsString()
  @IsByteLength(6, 72, { message: 'password must be 6 to 72 bytes long' })
  password!: string;

  @ApiProperty({ example: 'Ana Souza' })
  @Transform(trimmed)
  @IsNotEmpty()
  @IsString()
  @MaxLength(80)
  fullName!: string;
}
