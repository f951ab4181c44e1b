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
  it('gives the owner their profile with string ids and nothing internal', () => {
    const view = toUserView(stored);
    expect(view._id).toBe(stored._id.toString());
    expect(view.friends).toEqual([stored.friends[0].toString()]);
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

  it('gives others only the public profile', () => {
    expect(Object.keys(toPublicProfile(stored)).sort()).toEqual(
      ['_id', 'bio', 'fullName', 'learningLanguage', 'location', 'nativeLanguage', 'profilePic'].sort(),
    );
  });
});
