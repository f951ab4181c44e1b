import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import * as bcrypt from 'bcrypt';
import { usersConfig } from '../config/configuration';

/** bcrypt, on libuv's thread pool (the async API), off the event loop. */
@Injectable()
export class PasswordHasher {
  // Compared against when there is no hash (unknown email), so every check costs one bcrypt compare.
  private readonly dummyHash: Promise<string>;

  constructor(@Inject(usersConfig.KEY) private readonly config: ConfigType<typeof usersConfig>) {
    this.dummyHash = bcrypt.hash('dummy-password-for-timing', config.bcryptRounds);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.bcryptRounds);
  }

  /** False without a hash too, after the same work, so timing does not tell whether an account exists. */
  async matches(password: string, hash: string | null | undefined): Promise<boolean> {
    const matched = await bcrypt.compare(password, hash ?? (await this.dummyHash));
    return matched && !!hash;
  }
}
