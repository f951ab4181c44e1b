import { ApiProperty } from '@nestjs/swagger';
import { SecondFactorView } from '../../second-factors/second-factor.view';

/** A user with a second factor passed the first: the sign-in waits for POST /api/auth/mfa/challenge. */
export class SecondFactorRequiredResponse {
  @ApiProperty({ example: true }) mfaRequired!: true;
  @ApiProperty({ example: ['totp', 'recovery_code'], description: 'What the challenge accepts' })
  factors!: string[];
}

/** A TOTP enrollment: what the authenticator app needs, shown once. */
export class TotpEnrollmentResponse {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ description: 'The shared secret (base32), for typing into an app by hand' }) secret!: string;
  @ApiProperty({ example: 'otpauth://totp/Lingo:ada%40example.com?secret=...&issuer=Lingo' }) uri!: string;
  @ApiProperty({ description: 'The URI as a QR code: an SVG data URL, for an <img src>' }) qrCode!: string;
}

/** New recovery codes: shown once, never again. */
export class RecoveryCodesResponse {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ type: [String], example: ['abcd-efgh-jkmn-pqrs'] }) recoveryCodes!: string[];
}

export class SecondFactorListResponse {
  @ApiProperty({ type: [SecondFactorView] }) factors!: SecondFactorView[];
}
