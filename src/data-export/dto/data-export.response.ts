import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ExternalIdentityExport } from '../../external-identities/external-identity.view';
import { PasskeyExport } from '../../passkeys/passkey.view';
import { SessionView } from '../../identity/session.view';
import { SecondFactorView } from '../../second-factors/second-factor.view';
import { BlockedUser } from '../../users/block.view';
import { FriendRequestView } from '../../users/friend-request.view';
import { FriendCard } from '../../users/friend.view';
import { UserView } from '../../users/user.view';

export class FriendRequestsExport {
  @ApiProperty({ type: [FriendRequestView] }) sent!: FriendRequestView[];
  @ApiProperty({ type: [FriendRequestView] }) received!: FriendRequestView[];
}

export class SyncStateExport {
  @ApiProperty() pending!: boolean;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: Date, nullable: true }) nextAttemptAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty() profileVersion!: number;
  @ApiProperty({ type: Date, nullable: true }) chatTokensValidFrom!: Date | null;
}

export class BanExport {
  @ApiProperty() reason!: string;
  @ApiProperty() bannedAt!: Date;
  @ApiProperty({ type: Date, nullable: true, description: 'When it ends; null: permanent' })
  until!: Date | null;
}

export class StandingExport {
  @ApiProperty({ enum: ['user', 'moderator', 'admin'] }) role!: string;
  @ApiProperty({ type: BanExport, nullable: true, description: 'The ban in force, if any' })
  ban!: BanExport | null;
}

/** A code and link waiting to be used: what it confirms and where it went, never the token, code or a hash. */
export class PendingVerificationExport {
  @ApiProperty({
    enum: ['verify', 'change'],
    description: 'verify: my address; change: a new address to move to',
  })
  purpose!: 'verify' | 'change';
  @ApiProperty() address!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() expiresAt!: Date;
}

export class StreamExport {
  @ApiProperty({
    enum: ['completed', 'pending', 'unavailable'],
    description:
      "completed: Stream's export (profile, messages, reactions) is in `data`; pending: Stream's task was still " +
      'running when the wait ended (`taskId`); unavailable: Stream could not be asked (`reason`)',
  })
  status!: 'completed' | 'pending' | 'unavailable';
  @ApiPropertyOptional() taskId?: string;
  @ApiPropertyOptional({ type: Object }) data?: unknown;
  @ApiPropertyOptional() reason?: string;
}

/** Everything the app holds about me, and Stream's side. Never a password hash, token or code. */
export class DataExportResponse {
  @ApiProperty() exportedAt!: Date;
  @ApiProperty({ type: UserView }) profile!: UserView;
  @ApiProperty({ type: [FriendCard] }) friends!: FriendCard[];
  @ApiProperty({ type: FriendRequestsExport }) friendRequests!: FriendRequestsExport;
  @ApiProperty({ type: [BlockedUser], description: 'Users I blocked (who blocked me is theirs to know)' })
  blocks!: BlockedUser[];
  @ApiProperty({ type: [SessionView], description: 'My live sessions (signed-in devices)' })
  sessions!: SessionView[];
  @ApiProperty({
    type: [PendingVerificationExport],
    description:
      'Codes and links waiting to be used (whether my address is verified: `profile.emailVerified`)',
  })
  emailVerifications!: PendingVerificationExport[];
  @ApiProperty({
    type: [ExternalIdentityExport],
    description: 'The provider accounts I sign in with (never a token)',
  })
  identities!: ExternalIdentityExport[];
  @ApiProperty({
    type: [SecondFactorView],
    description: 'My second factors: type, name, created, last used (never a secret or a code)',
  })
  secondFactors!: SecondFactorView[];
  @ApiProperty({ type: [PasskeyExport], description: 'My passkeys: name, created, last used (never a key)' })
  passkeys!: PasskeyExport[];
  @ApiProperty({ type: SyncStateExport, description: 'The state of my profile mirror in Stream' })
  syncState!: SyncStateExport;
  @ApiProperty({
    type: StandingExport,
    description:
      "My role and the ban in force (the audit log's entries are the moderators' records, not part of it)",
  })
  standing!: StandingExport;
  @ApiProperty({ type: StreamExport }) stream!: StreamExport;
}
