import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches, ValidateIf } from 'class-validator';

/**
 * A current second factor: the code an authenticator app shows, or one unused recovery code (exactly one of
 * them). The challenge, removing a factor and new recovery codes all take it.
 */
export class SecondFactorProofDto {
  @ApiPropertyOptional({ example: '123456', description: 'The 6 digits the authenticator app shows' })
  @ValidateIf((o: SecondFactorProofDto) => o.recoveryCode === undefined || o.code !== undefined)
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits your authenticator app shows' })
  code?: string;

  @ApiPropertyOptional({
    example: 'abcd-efgh-jkmn-pqrs',
    description: 'One of the recovery codes, used once',
  })
  @ValidateIf((o: SecondFactorProofDto) => o.code === undefined)
  @IsString()
  @Length(16, 40, { message: 'recoveryCode must be one of your recovery codes' })
  recoveryCode?: string;
}

/** The first code of a newly enrolled authenticator app, which activates it. */
export class TotpCodeDto {
  @ApiProperty({ example: '123456' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits your authenticator app shows' })
  code!: string;
}
