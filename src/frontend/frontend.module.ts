import { ConfigType } from '@nestjs/config';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { appConfig } from '../config/configuration';

/**
 * With FRONTEND_DIST set, the built frontend is served at / (as the Express backend did in production), any
 * other path the SPA routes falls back to its index.html, and /api (endpoints, docs, 404s) is left untouched.
 * Unset: nothing is served besides the API.
 */
export const frontendModule = () =>
  ServeStaticModule.forRootAsync({
    inject: [appConfig.KEY],
    useFactory: ({ frontendDist }: ConfigType<typeof appConfig>) => {
      if (!frontendDist) return [];
      const rootPath = resolve(frontendDist);
      if (!existsSync(join(rootPath, 'index.html')))
        throw new Error(`FRONTEND_DIST: no index.html in ${rootPath} (build the frontend first)`);
      return [{ rootPath, exclude: ['/api/{*path}'] }];
    },
  });
