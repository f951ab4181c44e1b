import { ApiProperty } from '@nestjs/swagger';
import type { Passkey } from './schemas/passkey.schema';

/** One of my passkeys as GET /api/auth/passkeys lists it: never its key. */
export class PasskeyView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'MacBook Touch ID' }) name!: string;
  @ApiProperty({ description: 'Backed up by its authenticator (synced across my devices)' }) synced!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The last sign-in with it; null until then' })
  lastUsedAt!: string | null;
}

/** One of my passkeys as my data export holds it: never its key. */
export class PasskeyExport {
  @ApiProperty() name!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) lastUsedAt!: string | null;
}

export const toPasskeyView = (p: Passkey): PasskeyView => ({
  id: p._id.toString(),
  name: p.name,
  synced: p.synced,
  createdAt: p.createdAt.toISOString(),
  lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
});

export const toPasskeyExport = (p: Passkey): PasskeyExport => ({
  name: p.name,
  createdAt: p.createdAt.toISOString(),
  lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
});
