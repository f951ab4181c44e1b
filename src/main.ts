import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { prepareBackends } from './common/backends';
import { appConfig } from './config/configuration';

async function bootstrap(): Promise<void> {
  // Validates the environment (one line naming every bad variable) before anything starts; embedded stand-ins
  // run inside this process and end with it.
  await prepareBackends();
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    // Let bootstrap() report start-up errors in one line instead of Nest's stack dump.
    abortOnError: false,
  });
  configureApp(app);
  const { port } = app.get<{ port: number }>(appConfig.KEY);
  await app.listen(port);
  new Logger('Bootstrap').log(`API listening on http://localhost:${port}/api (docs at /api/docs)`);
}

bootstrap().catch((error: Error) => {
  // Config errors already name every bad variable and never include a value.
  new Logger('Bootstrap').error(error.message);
  process.exit(1);
});
