import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module';

async function bootstrap(): Promise<void> {
  await CommandFactory.run(CliModule, {
    logger: ['warn', 'error'],
    // nest-commander prints a failing command's error and exits 0 by default: an operator's script must see 1.
    serviceErrorHandler: (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  });
}

void bootstrap();
