import { MongooseModule } from '@nestjs/mongoose';
import { Session, SessionSchema } from './schemas/session.schema';

/**
 * The collections the identity core owns (SessionsService is the only code that queries `sessions`). The CLI
 * registers them too, so `indexes` checks and builds their indexes (the sessions TTL) like every other's.
 */
export const identitySchemas = () =>
  MongooseModule.forFeature([{ name: Session.name, schema: SessionSchema }]);
