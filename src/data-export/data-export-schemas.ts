import { MongooseModule } from '@nestjs/mongoose';
import { DataExportSlot, DataExportSlotSchema } from './schemas/data-export-slot.schema';

/** The collection the data export owns; the CLI registers it too, so `indexes` builds its TTL index. */
export const dataExportSchemas = () =>
  MongooseModule.forFeature([{ name: DataExportSlot.name, schema: DataExportSlotSchema }]);
