import { MongooseModule } from '@nestjs/mongoose';
import { OidcFlow, OidcFlowSchema } from './schemas/oidc-flow.schema';

/**
 * The collection this folder owns (OidcFlowsService is the only code that queries it). The CLI registers it too,
 * so `indexes` checks and builds its indexes (the TTL) like every other's.
 */
export const oidcSignInSchemas = () =>
  MongooseModule.forFeature([{ name: OidcFlow.name, schema: OidcFlowSchema }]);
