import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { UsersModule } from '../users/users.module';
import { DataExportController } from './data-export.controller';
import { DataExportService } from './data-export.service';
import { dataExportSchemas } from './data-export-schemas';

/** GET /api/users/me/export: reads from each owner (users, auth's sessions) and Stream; writes only its slots. */
@Module({
  imports: [UsersModule, IdentityModule, dataExportSchemas()],
  controllers: [DataExportController],
  providers: [DataExportService],
})
export class DataExportModule {}
