import { ApiProperty } from '@nestjs/swagger';
import type { ExternalIdentity } from './schemas/external-identity.schema';

/** One of my linked identities as GET /api/auth/identities lists it: no token, no subject. */
export class ExternalIdentityView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'google' }) provider!: string;
  @ApiProperty({ description: 'The address the provider gave when the identity was linked ("" if none)' })
  email!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ description: 'The last sign-in with it' }) lastUsedAt!: string;
}

/** One of my identities as my data export holds it. */
export class ExternalIdentityExport {
  @ApiProperty() provider!: string;
  @ApiProperty() issuer!: string;
  @ApiProperty({ description: "The provider's id of me (`sub`)" }) subject!: string;
  @ApiProperty() email!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() lastUsedAt!: string;
}

export const toExternalIdentityView = (i: ExternalIdentity): ExternalIdentityView => ({
  id: i._id.toString(),
  provider: i.provider,
  email: i.email,
  createdAt: i.createdAt.toISOString(),
  lastUsedAt: i.lastUsedAt.toISOString(),
});

export const toExternalIdentityExport = (i: ExternalIdentity): ExternalIdentityExport => ({
  provider: i.provider,
  issuer: i.issuer,
  subject: i.subject,
  email: i.email,
  createdAt: i.createdAt.toISOString(),
  lastUsedAt: i.lastUsedAt.toISOString(),
});
