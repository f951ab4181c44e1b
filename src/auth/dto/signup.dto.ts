import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsByteLength, IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const normalizeEmail = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class SignupDto {
  @ApiProperty({ example: 'ana@example.com' })
  @Transform(normalizeEmail)
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
  @Transform(trim)
  @IsNotEmpty()
  @IsString()
  @MaxLength(80)
  fullName!: string;
}
