// What users run today: the seed app's GET /api/chats/token as its document describes it, for the token
// benchmark's table. Express with express.json() and cookie-parser, protectRoute (cookie JWT verified, the user
// loaded from MongoDB on every request, password excluded), then the Stream SDK's createToken with no expiry.
// Same MongoDB and Stream credentials as the API under test. Run by token.bench.ts.
import cookieParser from 'cookie-parser';
import express, { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import mongoose, { Schema } from 'mongoose';
import { StreamChat } from 'stream-chat';

const User = mongoose.model(
  'User',
  new Schema(
    {
      fullName: { type: String, required: true },
      email: { type: String, required: true, unique: true },
      password: { type: String, required: true, minlength: 6 },
      bio: { type: String, default: '' },
      profilePic: { type: String, default: '' },
      nativeLanguage: { type: String, default: '' },
      learningLanguage: { type: String, default: '' },
      location: { type: String, default: '' },
      isOnboarded: { type: Boolean, default: false },
      friends: [{ type: Schema.Types.ObjectId, ref: 'User' }],
    },
    { timestamps: true },
  ),
);

const streamClient = StreamChat.getInstance(
  process.env.STREAM_API_KEY ?? '',
  process.env.STREAM_API_SECRET ?? '',
);

async function protectRoute(req: Request, res: Response, next: NextFunction): Promise<void> {
  try {
    const token = (req.cookies as Record<string, string | undefined>).jwt;
    if (!token) {
      res.status(401).json({ message: 'Unauthorized - No token provided' });
      return;
    }
    const decoded = jwt.verify(token, process.env.JWT_SECRET_KEY ?? '') as { userId: string };
    const user = await User.findById(decoded.userId).select('-password');
    if (!user) {
      res.status(401).json({ message: 'Unauthorized - User not found' });
      return;
    }
    (req as Request & { user: typeof user }).user = user;
    next();
  } catch {
    res.status(500).json({ message: 'Internal Server Error' });
  }
}

const app = express();
app.use(express.json());
app.use(cookieParser());
app.get('/api/chats/token', protectRoute, (req: Request, res: Response) => {
  const { user } = req as Request & { user: { id: string } };
  res.status(200).json({ token: streamClient.createToken(user.id.toString()) });
});

void mongoose.connect(process.env.MONGODB_URI ?? '').then(() => {
  app.listen(Number(process.env.PORT), '127.0.0.1');
});
