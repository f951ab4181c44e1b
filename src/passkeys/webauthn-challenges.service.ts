import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { hashSecret } from '../common/secrets';
import { webauthnConfig } from '../config/configuration';
import { WebAuthnChallenge, WebAuthnPurpose } from './schemas/webauthn-challenge.schema';

/** Owns `webauthn_challenges`: each challenge works once, for its purpose (and user), before it expires. */
@Injectable()
export class WebAuthnChallengesService {
  constructor(
    @InjectModel(WebAuthnChallenge.name) private readonly challenges: Model<WebAuthnChallenge>,
    @Inject(webauthnConfig.KEY) private readonly config: ConfigType<typeof webauthnConfig>,
  ) {}

  async remember(challenge: string, purpose: WebAuthnPurpose, userId?: string): Promise<void> {
    await this.challenges.create({
      challengeHash: hashSecret(challenge),
      purpose,
      user: userId ? new Types.ObjectId(userId) : undefined,
      expiresAt: new Date(Date.now() + this.config.challengeTtlMs),
    });
  }

  /**
   * Spends the live challenge if it was issued for this purpose and to this user (to nobody, when none is named):
   * atomic, so a response replayed or raced finds it gone. False for a challenge unknown, spent, expired or not
   * theirs.
   */
  async consume(challenge: string, purpose: WebAuthnPurpose, userId?: string): Promise<boolean> {
    const spent = await this.challenges
      .findOneAndDelete({
        challengeHash: hashSecret(challenge),
        purpose,
        user: userId ? new Types.ObjectId(userId) : { $exists: false },
        expiresAt: { $gt: new Date() },
      })
      .lean()
      .exec();
    return spent !== null;
  }
}
