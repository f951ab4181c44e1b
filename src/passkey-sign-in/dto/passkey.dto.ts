import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { trimmed } from '../../common/transforms';
import { AuthenticationCredentialDto, RegistrationCredentialDto } from '../../passkeys/credential.dto';

export class PasskeyNameDto {
  @ApiProperty({ example: 'MacBook Touch ID', maxLength: 64 })
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  name!: string;
}

/** POST /api/auth/passkeys: the new passkey's name and what navigator.credentials.create() returned. */
export class RegisterPasskeyDto extends PasskeyNameDto {
  @ApiProperty({ type: RegistrationCredentialDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RegistrationCredentialDto)
  credential!: RegistrationCredentialDto;
}

/** POST /api/auth/passkeys/authentication: what navigator.credentials.get() returned. */
export class PasskeySignInDto {
  @ApiProperty({ type: AuthenticationCredentialDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AuthenticationCredentialDto)
  credential!: AuthenticationCredentialDto;
}
