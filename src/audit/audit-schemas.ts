import { MongooseModule } from '@nestjs/mongoose';
import { AuditEntry, AuditEntrySchema } from './schemas/audit-entry.schema';

/** The collection this folder owns; the CLI registers it too, so `indexes` builds its indexes. */
export const auditSchemas = () =>
  MongooseModule.forFeature([{ name: AuditEntry.name, schema: AuditEntrySchema }]);
