import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKey } from '../common/mongo-errors';
import { OBJECT_ID_PATTERN } from '../common/object-id';
import {
  ExternalIdentityExport,
  ExternalIdentityView,
  toExternalIdentityExport,
  toExternalIdentityView,
} from './external-identity.view';
import { ExternalIdentity } from './schemas/external-identity.schema';

/** An identity to link: which provider said who the person is. */
export interface NewExternalIdentity {
  provider: string;
  issuer: string;
  subject: string;
  email?: string;
}

/** An identity as it was removed, to put back when the removal must be undone. */
export type RemovedExternalIdentity = ExternalIdentity;

/**
 * Owns the `identities` collection: accounts at OpenID Connect providers, each (issuer, subject) linked to one
 * user. The rules about when to link (verified emails, the last way to sign in) belong to the flow that calls it.
 */
@Injectable()
export class ExternalIdentitiesService {
  private readonly logger = new Logger(ExternalIdentitiesService.name);

  constructor(@InjectModel(ExternalIdentity.name) private readonly identities: Model<ExternalIdentity>) {}

  /** Whose account this identity signs in to, if it is linked; records the sign-in as its last use. */
  async signIn(issuer: string, subject: string): Promise<string | null> {
    const identity = await this.identities
      .findOneAndUpdate(
        { issuer, subject },
        { $set: { lastUsedAt: new Date() } },
        { projection: { user: 1 } },
      )
      .lean()
      .exec();
    return identity ? identity.user.toString() : null;
  }

  /** Whose account this identity belongs to, if anyone's. */
  async ownerOf(issuer: string, subject: string): Promise<string | null> {
    const identity = await this.identities.findOne({ issuer, subject }, { user: 1 }).lean().exec();
    return identity ? identity.user.toString() : null;
  }

  /** Links the identity to the user; 409 when it is already linked, to them or to anyone else. */
  async link(userId: string, identity: NewExternalIdentity): Promise<ExternalIdentityView> {
    const now = new Date();
    try {
      const created = await this.identities.create({
        ...identity,
        email: identity.email ?? '',
        user: new Types.ObjectId(userId),
        createdAt: now,
        lastUsedAt: now,
      });
      this.logger.log(`user ${userId} linked an identity at ${identity.provider}`);
      return toExternalIdentityView(created.toObject());
    } catch (error) {
      // The unique (issuer, subject) index decides, so concurrent links give one owner.
      if (isDuplicateKey(error)) {
        throw new ConflictException('This sign-in is already linked to an account');
      }
      throw error;
    }
  }

  /** Mine, oldest first. */
  async listMine(userId: string): Promise<ExternalIdentityView[]> {
    const docs = await this.find(userId);
    return docs.map(toExternalIdentityView);
  }

  /** Mine as my data export holds them: issuer and subject included. */
  async exportMine(userId: string): Promise<ExternalIdentityExport[]> {
    const docs = await this.find(userId);
    return docs.map(toExternalIdentityExport);
  }

  /** The providers of the user's identities, each once (a password login names them). */
  async providersOf(userId: string): Promise<string[]> {
    const docs = await this.find(userId);
    return [...new Set(docs.map((d) => d.provider))];
  }

  async countOf(userId: string): Promise<number> {
    return this.identities.countDocuments({ user: new Types.ObjectId(userId) }).exec();
  }

  /** Removes one of the user's identities and returns it; null when the user has no such identity. */
  async unlink(userId: string, id: string): Promise<RemovedExternalIdentity | null> {
    if (!OBJECT_ID_PATTERN.test(id)) return null;
    const removed = await this.identities
      .findOneAndDelete({ _id: id, user: new Types.ObjectId(userId) })
      .lean()
      .exec();
    return removed;
  }

  /** Puts back an identity unlink removed (its owner turned out to have no other way in). */
  async restore(identity: RemovedExternalIdentity): Promise<void> {
    try {
      await this.identities.create(identity);
    } catch (error) {
      // Linked again meanwhile (the same sign-in came back): nothing left to restore.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** Account deletion: every identity of the user. Idempotent. */
  async deleteAllOf(userId: string): Promise<number> {
    const { deletedCount } = await this.identities.deleteMany({ user: new Types.ObjectId(userId) }).exec();
    return deletedCount;
  }

  private find(userId: string): Promise<ExternalIdentity[]> {
    return this.identities
      .find({ user: new Types.ObjectId(userId) })
      .sort({ createdAt: 1 })
      .lean()
      .exec();
  }
}
