import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { authConfig, mailConfig } from '../config/configuration';
import { MailService } from '../mail/mail.service';
import { PasswordReset } from './schemas/password-reset.schema';

/** 32 random bytes: guessing a live token is hopeless, so only its hash needs storing. */
const TOKEN_BYTES = 32;
const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');
const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Owns the `password_resets` collection: one live token per user, mailed as a link, spent on use. */
@Injectable()
export class PasswordResetService {
  constructor(
    @InjectModel(PasswordReset.name) private readonly resets: Model<PasswordReset>,
    private readonly mail: MailService,
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    @Inject(mailConfig.KEY) private readonly config: ConfigType<typeof mailConfig>,
  ) {}

  /** Replaces any older token of the user with a new one and mails the link. The token itself is never kept. */
  async sendLink(userId: string, email: string): Promise<void> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const expiresAt = new Date(Date.now() + this.auth.passwordResetTtlMs);
    await this.resets
      .updateOne(
        { user: new Types.ObjectId(userId) },
        { $set: { tokenHash: hashOf(token), expiresAt } },
        { upsert: true },
      )
      .exec();
    const link = new URL('reset-password', this.config.appUrl.replace(/\/?$/, '/'));
    link.searchParams.set('token', token);
    const minutes = Math.round(this.auth.passwordResetTtlMs / 60_000);
    await this.mail.send({
      to: email,
      subject: 'Reset your password',
      text:
        `Someone (hopefully you) asked to reset the password of your account.\n\n` +
        `Open this link within ${minutes} minutes to choose a new one:\n${link.href}\n\n` +
        `If it was not you, ignore this mail: your password stays as it is.`,
      html:
        `<p>Someone (hopefully you) asked to reset the password of your account.</p>` +
        `<p><a href="${escapeHtml(link.href)}">Choose a new password</a> (the link works for ${minutes} minutes).</p>` +
        `<p>If it was not you, ignore this mail: your password stays as it is.</p>`,
    });
  }

  /** Spends a token: its user's id if it was live, else null. Atomic, so a token works once even when raced. */
  async consume(token: string): Promise<string | null> {
    const spent = await this.resets
      .findOneAndDelete({ tokenHash: hashOf(token), expiresAt: { $gt: new Date() } })
      .lean()
      .exec();
    return spent ? spent.user.toString() : null;
  }
}
