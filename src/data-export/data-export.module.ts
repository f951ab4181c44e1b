import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { DataExportController } from './data-export.controller';
import { DataExportService } from './data-export.service';
import { DataExportSlot, DataExportSlotSchema } from './schemas/data-export-slot.schema';

/** GET /api/users/me/export: reads from each owner (users, auth's sessions) and Stream; writes only its slots. */
@Module({
  imports: [
    UsersModule,
    AuthModule,
    MongooseModule.forFeature([{ name: DataExportSlot.name, schema: DataExportSlotSchema }]),
  ],
  controllers: [DataExportController],
  providers: [DataExportService],
})
export class DataExportModule {}
