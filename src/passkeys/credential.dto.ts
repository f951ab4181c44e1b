import { applyDecorators } from '@nestjs/common';
import type { AuthenticatorTransportFuture } from './webauthn.service';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';

// What the browser's PublicKeyCredential turns into as JSON (WebAuthn L3 §5.1, `toJSON()`; what
// @simplewebauthn/browser returns): base64url fields, checked for shape here and for meaning by the ceremony.
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const B64 = (max: number) =>
  applyDecorators(IsString(), Length(1, max), Matches(BASE64URL, { message: '$property must be base64url' }));

const TRANSPORTS: AuthenticatorTransportFuture[] = [
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
];

class AttestationResponseDto {
  @ApiProperty() @B64(4096) clientDataJSON!: string;
  @ApiProperty() @B64(65536) attestationObject!: string;
  @ApiPropertyOptional() @IsOptional() @B64(65536) authenticatorData?: string;
  @ApiPropertyOptional({ enum: TRANSPORTS, isArray: true })
  @IsOptional()
  @ArrayMaxSize(TRANSPORTS.length)
  @IsIn(TRANSPORTS, { each: true })
  transports?: AuthenticatorTransportFuture[];
  @ApiPropertyOptional() @IsOptional() @IsInt() publicKeyAlgorithm?: number;
  @ApiPropertyOptional() @IsOptional() @B64(4096) publicKey?: string;
}

class AssertionResponseDto {
  @ApiProperty() @B64(4096) clientDataJSON!: string;
  @ApiProperty() @B64(65536) authenticatorData!: string;
  @ApiProperty() @B64(4096) signature!: string;
  @ApiPropertyOptional() @IsOptional() @B64(1024) userHandle?: string;
}

/** The fields every PublicKeyCredential has. */
class CredentialDto {
  @ApiProperty({ description: 'The credential id (base64url)' }) @B64(1366) id!: string;
  @ApiProperty() @B64(1366) rawId!: string;
  @ApiProperty({ enum: ['public-key'] }) @IsIn(['public-key']) type!: 'public-key';
  @ApiProperty({ type: 'object', additionalProperties: true }) @IsObject() clientExtensionResults!: object;
  @ApiPropertyOptional({ enum: ['platform', 'cross-platform'] })
  @IsOptional()
  @IsIn(['platform', 'cross-platform'])
  authenticatorAttachment?: 'platform' | 'cross-platform';
}

/** navigator.credentials.create()'s result as JSON (RegistrationResponseJSON). */
export class RegistrationCredentialDto extends CredentialDto {
  @ApiProperty({ type: AttestationResponseDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AttestationResponseDto)
  response!: AttestationResponseDto;
}

/** navigator.credentials.get()'s result as JSON (AuthenticationResponseJSON). */
export class AuthenticationCredentialDto extends CredentialDto {
  @ApiProperty({ type: AssertionResponseDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AssertionResponseDto)
  response!: AssertionResponseDto;
}
