import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { usersConfig } from '../config/configuration';
import { BlocksService } from './blocks.service';
import { DEFAULT_PAGE_LIMIT, PageQueryDto } from './dto/page-query.dto';
import { Page, pageLimit } from '../common/page-cursor';
import { afterCursor, decodeCursor, encodeCursor, Tier, TIERS, tierFilter } from './recommendation-cursor';
import { UserCollection } from './user-collection';
import { PUBLIC_PROFILE_FIELDS, PublicProfile, toPublicProfile, UserRecord } from './user.view';

/** Language-exchange partners for a user, ranked and paged. */
@Injectable()
export class RecommendationsService {
  constructor(
    private readonly collection: UserCollection,
    private readonly blocks: BlocksService,
    @Inject(usersConfig.KEY) private readonly config: ConfigType<typeof usersConfig>,
  ) {}

  private get users() {
    return this.collection.model;
  }

  /**
   * One page of recommended partners: onboarded, not me, not my friends, ranked by tier (see Tier) then newest
   * first. Keyset paging: each page walks at most the three tier queries from the cursor on, each bounded by the
   * page size and served by an index, so a page costs the same with 100 or 100,000 users. Users who sign up
   * between two fetches sort before the cursor of their tier, so they never shift (repeat or skip) anyone.
   */
  async recommend(me: string, query: PageQueryDto): Promise<Page<PublicProfile[]>> {
    const limit = pageLimit(query.limit, DEFAULT_PAGE_LIMIT, this.config.pageLimitMax);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const self = await this.users
      .findById(me, { nativeLanguage: 1, learningLanguage: 1, friends: 1 })
      .lean()
      .exec();
    if (!self) throw new NotFoundException('User not found');
    const languages = {
      nativeLanguage: self.nativeLanguage ?? '',
      learningLanguage: self.learningLanguage ?? '',
    };
    // Blocks hide both ways: nobody I blocked, nobody who blocked me.
    const excluded = [self._id, ...(self.friends ?? []), ...(await this.blocks.idsBlockedEitherWay(me))];

    const found: { tier: Tier; user: UserRecord }[] = [];
    for (const tier of TIERS) {
      if (cursor && tier < cursor.tier) continue;
      const want = limit + 1 - found.length; // one extra tells whether a next page exists
      if (want <= 0) break;
      const and: Record<string, unknown>[] = [tierFilter(languages, tier)];
      if (cursor && tier === cursor.tier) and.push(afterCursor(cursor));
      const users = await this.users
        .find(
          { isOnboarded: true, _id: { $nin: excluded }, $and: and },
          { ...PUBLIC_PROFILE_FIELDS, createdAt: 1 },
        )
        .sort({ createdAt: -1, _id: -1 })
        .limit(want)
        .lean()
        .exec();
      found.push(...users.map((user) => ({ tier, user })));
    }

    const page = found.slice(0, limit);
    const last = page[page.length - 1];
    const next =
      found.length > limit && last
        ? encodeCursor({
            tier: last.tier,
            createdAt: last.user.createdAt as Date,
            id: last.user._id.toString(),
          })
        : undefined;
    return { items: page.map(({ user }) => toPublicProfile(user)), next };
  }
}
