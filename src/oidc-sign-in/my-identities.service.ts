import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { ExternalIdentityView } from '../external-identities/external-identity.view';
import { ExternalIdentitiesService } from '../external-identities/external-identities.service';
import { UsersService } from '../users/users.service';

const LAST_WAY_IN =
  'This is the only way to sign in to this account: set a password (password reset flow) or link another ' +
  'provider before removing it';

/** The signed-in user's linked identities: list them, remove one, never the last way in. */
@Injectable()
export class MyIdentitiesService {
  private readonly logger = new Logger(MyIdentitiesService.name);

  constructor(
    private readonly identities: ExternalIdentitiesService,
    private readonly users: UsersService,
  ) {}

  list(me: string): Promise<ExternalIdentityView[]> {
    return this.identities.listMine(me);
  }

  /**
   * 404 for no such identity of mine; 409 when it was my last way to sign in (no password, no other identity): it
   * is then put back. Counting after the removal, not before, keeps two removals racing each other from both
   * going through.
   */
  async unlink(me: string, id: string): Promise<void> {
    const passwordSet = await this.users.hasPassword(me);
    const removed = await this.identities.unlink(me, id);
    if (!removed) throw new NotFoundException('Identity not found');
    if (passwordSet || (await this.identities.countOf(me)) > 0) {
      this.logger.log(`user ${me} unlinked their identity at ${removed.provider}`);
      return;
    }
    await this.identities.restore(removed);
    throw new ConflictException(LAST_WAY_IN);
  }
}
