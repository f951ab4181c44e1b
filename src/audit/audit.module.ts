import { Module } from '@nestjs/common';
import { auditSchemas } from './audit-schemas';
import { AuditLogService } from './audit-log.service';

/** The audit trail of moderator and admin actions (`auditlog`), written by moderation/ and the CLI. */
@Module({
  imports: [auditSchemas()],
  providers: [AuditLogService],
  exports: [AuditLogService],
})
export class AuditModule {}
