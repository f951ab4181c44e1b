import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { prepareBackends } from './common/backends';
import { appConfig } from './config/configuration';
import { readProcessEnv, resolveEnvironment } from './config/environment';
import { GracefulShutdown } from './health/graceful-shutdown';

async function bootstrap(): Promise<void> {
  // Held until the JSON logger is up (configureApp), so the start-up lines are JSON too.
  Logger.attachBuffer();
  // Validates the environment (one line naming every bad variable) before anything starts; embedded stand-ins
  // run inside this process and end with it.
  const { env } = await prepareBackends(resolveEnvironment(readProcessEnv()));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), {
    bodyParser: false,
    bufferLogs: true,
    // Let bootstrap() report start-up errors in one line instead of Nest's stack dump.
    abortOnError: false,
  });
  configureApp(app);
  app.get(GracefulShutdown).handleSignals(app);
  const { port } = app.get<{ port: number }>(appConfig.KEY);
  await app.listen(port);
  const { port: bound } = app.getHttpServer().address() as AddressInfo;
  new Logger('Bootstrap').log(`API listening on http://localhost:${bound}/api (docs at /api/docs)`);
}

bootstrap().catch((error: Error) => {
  // Start-up failed before the JSON logger was up: print what was held, then the reason. Config errors name
  // every bad variable and never include a value.
  Logger.flush();
  new Logger('Bootstrap').error(error.message);
  process.exit(1);
});
