import { ApiProperty } from '@nestjs/swagger';
import type { SecondFactor } from './schemas/second-factor.schema';

/** What a sign-in may be finished with; the challenge body's shape picks one (docs/api.md, "Second factors"). */
export type FactorKind = 'totp' | 'recovery_code' | 'webauthn';

/** One of my second factors as GET /api/auth/mfa and my data export show it: never its secret or codes. */
export class SecondFactorView {
  @ApiProperty({ enum: ['totp', 'recovery_codes'] }) type!: 'totp' | 'recovery_codes';
  @ApiProperty({ example: 'Authenticator app' }) name!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) lastUsedAt!: string | null;
}

const NAMES = { totp: 'Authenticator app', recovery_codes: 'Recovery codes' } as const;

export const toSecondFactorView = (f: SecondFactor): SecondFactorView => ({
  type: f.type,
  name: NAMES[f.type],
  createdAt: f.createdAt.toISOString(),
  lastUsedAt: f.lastUsedAt ? f.lastUsedAt.toISOString() : null,
});
