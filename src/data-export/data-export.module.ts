import { Module } from '@nestjs/common';
import { ExternalIdentitiesModule } from '../external-identities/external-identities.module';
import { IdentityModule } from '../identity/identity.module';
import { SecondFactorsModule } from '../second-factors/second-factors.module';
import { PasskeysModule } from '../passkeys/passkeys.module';
import { UsersModule } from '../users/users.module';
import { VerificationModule } from '../verification/verification.module';
import { DataExportController } from './data-export.controller';
import { DataExportService } from './data-export.service';
import { dataExportSchemas } from './data-export-schemas';

/**
 * GET /api/users/me/export: reads from each owner (users, sessions, email verifications, identities at providers,
 * passkeys)
 * and Stream; writes only its slots.
 */
@Module({
  imports: [
    UsersModule,
    IdentityModule,
    VerificationModule,
    ExternalIdentitiesModule,
    SecondFactorsModule,
    PasskeysModule,
    dataExportSchemas(),
  ],
  controllers: [DataExportController],
  providers: [DataExportService],
})
export class DataExportModule {}
