import { genSalt, hash } from 'bcryptjs';
import { Connection, mongo, Types } from 'mongoose';
import { StreamChat } from 'stream-chat';

/**
 * A database as the seed's Express backend left it: its Mongoose models (`users` with timestamps and a bcryptjs
 * pre-save hook at 10 rounds, `friendrequests` with `pending`/`accepted`), written through the real driver, with the
 * irregularities such a database accumulates and that a migration must handle.
 */

type SeedName = 'ana' | 'ben' | 'carla' | 'dan' | 'eveOld' | 'eveNew' | 'finn' | 'gia' | 'hugo';

export interface SeedAccount {
  id: string;
  /** As the seed stored it (capitals included). */
  email: string;
  /** The plain password the user signs in with. */
  password: string;
  fullName: string;
  profilePic: string;
  isOnboarded: boolean;
}

export interface SeedDatabase {
  users: Record<SeedName, SeedAccount>;
  /** Friend requests by what they show. */
  requests: {
    /** ana → ben, accepted: they are friends on both sides. */
    anaBenAccepted: string;
    /** ben → ana, pending, sent a minute before ana's request was accepted: the accepted one wins. */
    anaBenCrossed: string;
    /** ben → carla, pending: an ordinary open request. */
    benCarlaPending: string;
    /** finn → gia, the oldest of three pending requests for one pair: the one to keep. */
    finnGiaOldest: string;
    /** gia → finn and finn → gia, later pending requests for the same pair. */
    finnGiaLater: string[];
  };
  /** Every user id, oldest account first. */
  allIds: string[];
}

interface Row {
  name: SeedName;
  email: string;
  fullName: string;
  createdAt: string;
  /** Onboarding data (the seed's PUT /api/auth/onboarding); absent: never onboarded. */
  profile?: { bio: string; nativeLanguage: string; learningLanguage: string; location: string };
  /** bcryptjs before 3.0 wrote `$2a$` hashes; 3.x writes `$2b$`. */
  legacyHashPrefix?: boolean;
}

const ROWS: Row[] = [
  {
    name: 'ana',
    email: 'Ana.Souza@Example.com',
    fullName: 'Ana Souza',
    createdAt: '2024-03-01T09:00:00Z',
    // Typed in by hand against the API, not picked from the frontend's lower-case list.
    profile: { bio: 'Olá!', nativeLanguage: 'Portuguese', learningLanguage: 'English', location: 'Lisbon' },
  },
  {
    name: 'ben',
    email: 'ben@example.com',
    fullName: 'Ben Carter',
    createdAt: '2024-03-02T09:00:00Z',
    profile: { bio: 'Hi', nativeLanguage: 'english', learningLanguage: 'portuguese', location: 'Leeds' },
  },
  {
    name: 'carla',
    email: 'Carla@Example.com',
    fullName: 'Carla Ruiz',
    createdAt: '2024-03-03T09:00:00Z',
    profile: { bio: 'Hola', nativeLanguage: 'spanish', learningLanguage: 'english', location: 'Seville' },
  },
  {
    name: 'dan',
    email: 'dan@example.com',
    fullName: 'Dan Brooks',
    createdAt: '2024-03-04T09:00:00Z',
    profile: { bio: 'Hey', nativeLanguage: 'english', learningLanguage: 'spanish', location: 'Austin' },
  },
  {
    name: 'eveOld',
    email: 'Eve@Example.com',
    fullName: 'Eve Martin',
    createdAt: '2024-03-05T09:00:00Z',
    profile: { bio: 'Bonjour', nativeLanguage: 'french', learningLanguage: 'english', location: 'Lyon' },
    legacyHashPrefix: true,
  },
  {
    // The same person (or not) signed up again: the seed compared emails case-sensitively.
    name: 'eveNew',
    email: 'eve@example.com',
    fullName: 'Eve M.',
    createdAt: '2024-06-10T09:00:00Z',
  },
  {
    name: 'finn',
    email: 'finn@example.com',
    fullName: 'Finn Olsen',
    createdAt: '2024-03-07T09:00:00Z',
    profile: { bio: 'Hei', nativeLanguage: 'norwegian', learningLanguage: 'german', location: 'Oslo' },
  },
  {
    name: 'gia',
    email: 'gia@example.com',
    fullName: 'Gia Rossi',
    createdAt: '2024-03-08T09:00:00Z',
    profile: { bio: 'Ciao', nativeLanguage: 'german', learningLanguage: 'norwegian', location: 'Bolzano' },
  },
  {
    name: 'hugo',
    email: 'hugo@example.com',
    fullName: 'Hugo Weber',
    createdAt: '2024-03-09T09:00:00Z',
    legacyHashPrefix: true,
  },
];

const at = (iso: string, plusMinutes = 0) => new Date(Date.parse(iso) + plusMinutes * 60_000);

/** As the seed's pre-save hook: `bcrypt.genSalt(10)` then `bcrypt.hash(password, salt)`, with bcryptjs. */
async function seedHash(password: string, legacyPrefix?: boolean): Promise<string> {
  const salt = await genSalt(10);
  return hash(password, legacyPrefix ? salt.replace(/^\$2b\$/, '$2a$') : salt);
}

/**
 * Writes the seed-shaped `users` and `friendrequests` (plus the unique `email_1` index the seed's Mongoose built
 * from `unique: true`) into `conn`'s database. The collections must not exist yet.
 */
export async function buildSeedDatabase(conn: Connection): Promise<SeedDatabase> {
  const db = conn.db!;
  const ids = Object.fromEntries(ROWS.map((r) => [r.name, new Types.ObjectId()])) as Record<
    SeedName,
    Types.ObjectId
  >;
  const users = {} as Record<SeedName, SeedAccount>;
  const documents: mongo.Document[] = [];
  for (const row of ROWS) {
    const password = `${row.name}-secret-1`;
    const profilePic = `https://avatar.iran.liara.run/public/${documents.length + 1}.png`;
    const createdAt = at(row.createdAt);
    // Field order and defaults of the seed's User model; __v from Mongoose's versioning.
    documents.push({
      _id: ids[row.name],
      email: row.email,
      password: await seedHash(password, row.legacyHashPrefix),
      fullName: row.fullName,
      bio: row.profile?.bio ?? '',
      profilePic,
      nativeLanguage: row.profile?.nativeLanguage ?? '',
      learningLanguage: row.profile?.learningLanguage ?? '',
      location: row.profile?.location ?? '',
      isOnboarded: row.profile !== undefined,
      friends: [] as Types.ObjectId[],
      createdAt,
      updatedAt: row.profile ? at(row.createdAt, 10) : createdAt,
      __v: 0,
    });
    users[row.name] = {
      id: ids[row.name].toHexString(),
      email: row.email,
      password,
      fullName: row.fullName,
      profilePic,
      isOnboarded: row.profile !== undefined,
    };
  }
  const doc = (name: SeedName) => documents.find((d) => (d._id as Types.ObjectId).equals(ids[name]))!;
  // The seed's accept wrote both sides ($addToSet on each user).
  (doc('ana').friends as Types.ObjectId[]).push(ids.ben);
  (doc('ben').friends as Types.ObjectId[]).push(ids.ana);
  // A half-written friendship: carla lists dan, dan does not list carla.
  (doc('carla').friends as Types.ObjectId[]).push(ids.dan);

  await db.collection('users').createIndex({ email: 1 }, { unique: true });
  await db.collection('users').insertMany(documents);

  const request = (sender: SeedName, recipient: SeedName, status: 'pending' | 'accepted', iso: string) => {
    const created = at(iso);
    return {
      _id: new Types.ObjectId(),
      sender: ids[sender],
      recipient: ids[recipient],
      status,
      createdAt: created,
      updatedAt: status === 'accepted' ? at(iso, 60) : created,
      __v: 0,
    };
  };
  const anaBen = request('ana', 'ben', 'accepted', '2024-04-01T10:00:00Z');
  const anaBenCrossed = request('ben', 'ana', 'pending', '2024-04-01T09:59:00Z');
  const benCarla = request('ben', 'carla', 'pending', '2024-04-02T10:00:00Z');
  // Double clicks and both sides asking: the seed had nothing to stop either.
  const finnGia1 = request('finn', 'gia', 'pending', '2024-04-03T10:00:00Z');
  const finnGia2 = request('gia', 'finn', 'pending', '2024-04-03T10:05:00Z');
  const finnGia3 = request('finn', 'gia', 'pending', '2024-04-04T08:00:00Z');
  // Inserted newest first, so "oldest" must come from createdAt, not from natural order.
  await db
    .collection('friendrequests')
    .insertMany([finnGia3, finnGia2, anaBen, benCarla, finnGia1, anaBenCrossed]);

  return {
    users,
    requests: {
      anaBenAccepted: anaBen._id.toHexString(),
      anaBenCrossed: anaBenCrossed._id.toHexString(),
      benCarlaPending: benCarla._id.toHexString(),
      finnGiaOldest: finnGia1._id.toHexString(),
      finnGiaLater: [finnGia2._id.toHexString(), finnGia3._id.toHexString()],
    },
    allIds: ROWS.map((r) => ids[r.name].toHexString()),
  };
}

/**
 * What the seed left in Stream: every user upserted at signup/onboarding with the same id as `{ id, name, image }`,
 * and the 1:1 channel its frontend opened between the two friends (id: both user ids sorted, joined with '-').
 * Returns that channel's id.
 */
export async function mirrorSeedToStream(seed: SeedDatabase, client: StreamChat): Promise<string> {
  await client.upsertUsers(
    Object.values(seed.users).map((u) => ({ id: u.id, name: u.fullName, image: u.profilePic })),
  );
  const { ana, ben } = seed.users;
  const channelId = [ana.id, ben.id].sort().join('-');
  await client.channel('messaging', channelId, { members: [ana.id, ben.id], created_by_id: ana.id }).create();
  return channelId;
}
