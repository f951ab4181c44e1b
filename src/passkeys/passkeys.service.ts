import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKey } from '../common/mongo-errors';
import { OBJECT_ID_PATTERN } from '../common/object-id';
import { PasskeyExport, PasskeyView, toPasskeyExport, toPasskeyView } from './passkey.view';
import { Passkey } from './schemas/passkey.schema';

/** A credential a registration ceremony verified, to store under the user's name for it. */
export interface NewPasskey {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  synced: boolean;
  name: string;
}

/** What verifying an assertion needs: whose passkey it is, its key and the counter last seen. */
export interface StoredCredential {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
}

/**
 * Owns the `passkeys` collection: each WebAuthn credential registered to one user. The ceremonies that verify
 * them are WebAuthnService's; the rules about who may add or remove one belong to the flows that call it.
 */
@Injectable()
export class PasskeysService {
  private readonly logger = new Logger(PasskeysService.name);

  constructor(@InjectModel(Passkey.name) private readonly passkeys: Model<Passkey>) {}

  /** Stores the passkey; 409 when the credential is registered already, to this user or to anyone else. */
  async add(userId: string, passkey: NewPasskey): Promise<PasskeyView> {
    try {
      const created = await this.passkeys.create({
        ...passkey,
        user: new Types.ObjectId(userId),
        createdAt: new Date(),
        lastUsedAt: null,
      });
      this.logger.log(`user ${userId} registered passkey ${created._id.toString()}`);
      return toPasskeyView(created.toObject());
    } catch (error) {
      // The unique credentialId index decides, so a credential has one owner however many register it at once.
      if (isDuplicateKey(error)) throw new ConflictException('This passkey is already registered');
      throw error;
    }
  }

  /** The passkey an assertion names, with its key; null for a credential nobody registered. */
  async findCredential(credentialId: string): Promise<StoredCredential | null> {
    const p = await this.passkeys.findOne({ credentialId }).select('+publicKey').lean().exec();
    if (!p) return null;
    return {
      id: p._id.toString(),
      userId: p.user.toString(),
      credentialId: p.credentialId,
      publicKey: p.publicKey,
      counter: p.counter,
      transports: p.transports,
    };
  }

  /**
   * Records an accepted assertion: the new counter and the time. Conditional on the counter still being below the
   * new one, so two assertions of a cloned authenticator racing each other cannot both pass; false when it lost.
   */
  async recordUse(id: string, newCounter: number): Promise<boolean> {
    const filter = newCounter > 0 ? { _id: id, counter: { $lt: newCounter } } : { _id: id, counter: 0 };
    const { matchedCount } = await this.passkeys
      .updateOne(filter, { $set: { counter: newCounter, lastUsedAt: new Date() } })
      .exec();
    return matchedCount === 1;
  }

  /** Mine, oldest first. */
  async listMine(userId: string): Promise<PasskeyView[]> {
    return (await this.find(userId)).map(toPasskeyView);
  }

  /** Mine as my data export holds them. */
  async exportMine(userId: string): Promise<PasskeyExport[]> {
    return (await this.find(userId)).map(toPasskeyExport);
  }

  /** The credentials of mine a ceremony names (so an authenticator is not registered twice, or is asked for one). */
  async credentialsOf(userId: string): Promise<{ credentialId: string; transports: string[] }[]> {
    return (await this.find(userId)).map((p) => ({ credentialId: p.credentialId, transports: p.transports }));
  }

  async countOf(userId: string): Promise<number> {
    return this.passkeys.countDocuments({ user: new Types.ObjectId(userId) }).exec();
  }

  /** Renames one of mine; null when the user has no such passkey. */
  async rename(userId: string, id: string, name: string): Promise<PasskeyView | null> {
    if (!OBJECT_ID_PATTERN.test(id)) return null;
    const updated = await this.passkeys
      .findOneAndUpdate(
        { _id: id, user: new Types.ObjectId(userId) },
        { $set: { name } },
        { returnDocument: 'after' },
      )
      .lean()
      .exec();
    return updated && toPasskeyView(updated);
  }

  /** Removes one of mine; false when the user has no such passkey. */
  async remove(userId: string, id: string): Promise<boolean> {
    if (!OBJECT_ID_PATTERN.test(id)) return false;
    const { deletedCount } = await this.passkeys
      .deleteOne({ _id: id, user: new Types.ObjectId(userId) })
      .exec();
    return deletedCount === 1;
  }

  /** Account deletion: every passkey of the user. Idempotent. */
  async deleteAllOf(userId: string): Promise<number> {
    const { deletedCount } = await this.passkeys.deleteMany({ user: new Types.ObjectId(userId) }).exec();
    return deletedCount;
  }

  private find(userId: string): Promise<Passkey[]> {
    return this.passkeys
      .find({ user: new Types.ObjectId(userId) })
      .sort({ createdAt: 1 })
      .lean()
      .exec();
  }
}
