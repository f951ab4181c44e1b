// The floor the token endpoint is compared with: bare node:http that only verifies the cookie JWT and signs a
// Stream token (no framework, no database). Run by token.bench.ts.
import { createSecretKey } from 'node:crypto';
import { createServer } from 'node:http';
import jwt from 'jsonwebtoken';

const port = Number(process.env.PORT ?? 5099);
// KeyObjects, as the API uses: jsonwebtoken is ~0.3 ms slower per call with string secrets.
const jwtSecret = createSecretKey(Buffer.from(process.env.JWT_SECRET_KEY ?? '', 'utf8'));
const streamSecret = createSecretKey(Buffer.from(process.env.STREAM_API_SECRET ?? '', 'utf8'));
const ttl = 3600;

createServer((req, res) => {
  const cookie = /(?:^|;\s*)jwt=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  try {
    const { userId } = jwt.verify(cookie ?? '', jwtSecret, { algorithms: ['HS256'] }) as { userId: string };
    const now = Math.floor(Date.now() / 1000);
    const token = jwt.sign({ user_id: userId, iat: now - 5, exp: now + ttl }, streamSecret, {
      algorithm: 'HS256',
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, userId, expiresAt: new Date((now + ttl) * 1000).toISOString() }));
  } catch {
    res.writeHead(401).end();
  }
}).listen(port, '127.0.0.1');
