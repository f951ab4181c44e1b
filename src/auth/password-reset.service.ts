import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { authConfig, mailConfig } from '../config/configuration';
import { AccountDataOwner, OwnsAccountData } from '../accounts/account-data';
import { MailService } from '../mail/mail.service';
import { hashSecret, newSecretToken } from '../common/secrets';
import { appLink, passwordResetMail } from './mails';
import { PasswordReset } from './schemas/password-reset.schema';

/** Owns the `password_resets` collection: one live token per user, mailed as a link, spent on use. */
@Injectable()
@OwnsAccountData('password_resets')
export class PasswordResetService implements AccountDataOwner {
  constructor(
    @InjectModel(PasswordReset.name) private readonly resets: Model<PasswordReset>,
    private readonly mail: MailService,
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    @Inject(mailConfig.KEY) private readonly config: ConfigType<typeof mailConfig>,
  ) {}

  /** Replaces any older token of the user with a new one and mails the link. The token itself is never kept. */
  async sendLink(userId: string, email: string): Promise<void> {
    const { token, hash } = newSecretToken();
    const expiresAt = new Date(Date.now() + this.auth.passwordResetTtlMs);
    await this.resets
      .updateOne(
        { user: new Types.ObjectId(userId) },
        { $set: { tokenHash: hash, expiresAt } },
        { upsert: true },
      )
      .exec();
    const minutes = Math.round(this.auth.passwordResetTtlMs / 60_000);
    await this.mail.send(
      passwordResetMail(email, appLink(this.config.appUrl, 'reset-password', token), minutes),
    );
  }

  /** Drops the user's live reset link (it went to an address that is no longer theirs, or the account goes). */
  async discardAllOf(userId: string): Promise<void> {
    await this.resets.deleteOne({ user: new Types.ObjectId(userId) }).exec();
  }

  /** Spends a token: its user's id if it was live, else null. Atomic, so a token works once even when raced. */
  async consume(token: string): Promise<string | null> {
    const spent = await this.resets
      .findOneAndDelete({ tokenHash: hashSecret(token), expiresAt: { $gt: new Date() } })
      .lean()
      .exec();
    return spent ? spent.user.toString() : null;
  }
}
