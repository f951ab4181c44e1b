import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Length, Matches, ValidateIf, ValidateNested } from 'class-validator';
import { AuthenticationCredentialDto } from '../../passkeys/credential.dto';

/**
 * A current second factor: the code an authenticator app shows, one unused recovery code, or a passkey's
 * assertion (exactly one of them). The challenge, removing a factor (TOTP, a passkey) and new recovery codes all
 * take it.
 */
export class SecondFactorProofDto {
  @ApiPropertyOptional({ example: '123456', description: 'The 6 digits the authenticator app shows' })
  @ValidateIf(
    (o: SecondFactorProofDto) =>
      o.code !== undefined || (o.recoveryCode === undefined && o.webauthn === undefined),
  )
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits your authenticator app shows' })
  code?: string;

  @ApiPropertyOptional({
    example: 'abcd-efgh-jkmn-pqrs',
    description: 'One of the recovery codes, used once',
  })
  @ValidateIf((o: SecondFactorProofDto) => o.recoveryCode !== undefined)
  @IsString()
  @Length(16, 40, { message: 'recoveryCode must be one of your recovery codes' })
  recoveryCode?: string;

  @ApiPropertyOptional({
    type: AuthenticationCredentialDto,
    description:
      "navigator.credentials.get()'s result for the options of POST /api/auth/mfa/challenge/options (signing " +
      'in) or POST /api/auth/passkeys/verification/options (signed in)',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AuthenticationCredentialDto)
  webauthn?: AuthenticationCredentialDto;
}
