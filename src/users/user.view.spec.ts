import { Types } from 'mongoose';
import { toPublicProfile, toUserView } from './user.view';

const stored = {
  _id: new Types.ObjectId(),
  email: 'ana@example.com',
  password: '$2b$10$abcdefghijklmnopqrstuv',
  fullName: 'Ana',
  bio: 'hi',
  profilePic: 'https://x/1.png',
  nativeLanguage: 'portuguese',
  learningLanguage: 'english',
  location: 'Lisbon',
  isOnboarded: true,
  friends: [new Types.ObjectId()],
  syncPending: true,
  syncLeaseUntil: new Date(),
  profileVersion: 3,
  chatTokensValidFrom: 123,
  __v: 0,
  createdAt: new Date(),
  updatedAt: new Date(),
};

describe('user views', () => {
  it('embeds at most friendsMax friend ids, and counts them all', () => {
    const friends = Array.from({ length: 5 }, () => new Types.ObjectId());
    const view = toUserView({ ...stored, friends }, 2);
    expect(view.friends).toEqual(friends.slice(0, 2).map(String));
    expect(view.friendCount).toBe(5);
  });

  it('gives the owner their profile with string ids and nothing internal', () => {
    const view = toUserView(stored, 100);
    expect(view._id).toBe(stored._id.toString());
    expect(view.friends).toEqual([stored.friends[0].toString()]);
    expect(view.friendCount).toBe(1);
    for (const hidden of [
      'password',
      'syncPending',
      'syncLeaseUntil',
      'profileVersion',
      'chatTokensValidFrom',
      '__v',
    ]) {
      expect(view).not.toHaveProperty(hidden);
    }
  });

  it('reads an account without a verification date (created before verification, or legacy) as unverified', () => {
    expect(toUserView(stored, 100).emailVerified).toBe(false);
    expect(toUserView({ ...stored, emailVerifiedAt: new Date() }, 100).emailVerified).toBe(true);
    expect(toUserView({ ...stored, emailVerifiedAt: new Date() }, 100)).not.toHaveProperty('emailVerifiedAt');
  });

  it('gives others only the public profile', () => {
    expect(Object.keys(toPublicProfile(stored)).sort()).toEqual(
      ['_id', 'bio', 'fullName', 'learningLanguage', 'location', 'nativeLanguage', 'profilePic'].sort(),
    );
  });
});
