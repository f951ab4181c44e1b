import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import * as bcrypt from 'bcrypt';
import { randomInt } from 'node:crypto';
import { authConfig } from '../config/configuration';
import { UserSyncService } from '../users/user-sync.service';
import { UserView } from '../users/user.view';
import { UsersService } from '../users/users.service';
import { LoginDto } from './dto/login.dto';
import { OnboardingDto } from './dto/onboarding.dto';
import { SignupDto } from './dto/signup.dto';
import { JwtPayload } from './jwt.strategy';

export interface Session {
  user: UserView;
  token: string;
}

@Injectable()
export class AuthService {
  // Compared against when the email is unknown, so a login costs one bcrypt compare either way.
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly users: UsersService,
    private readonly sync: UserSyncService,
    private readonly jwt: JwtService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {
    this.dummyHash = bcrypt.hash('dummy-password-for-timing', config.bcryptRounds);
    if (config.jwtSecretGenerated) {
      new Logger(AuthService.name).warn(
        'JWT_SECRET_KEY is unset: using a random secret, sessions end on restart',
      );
    }
  }

  async signup(dto: SignupDto): Promise<Session> {
    // bcrypt's async API hashes on libuv's thread pool, off the event loop.
    const passwordHash = await bcrypt.hash(dto.password, this.config.bcryptRounds);
    const user = await this.users.createAccount({
      email: dto.email,
      passwordHash,
      fullName: dto.fullName,
      profilePic: this.config.avatarUrlTemplate.replace('{n}', String(randomInt(1, 101))),
    });
    await this.sync.syncUser(user._id);
    return { user, token: this.sign(user._id) };
  }

  async login(dto: LoginDto): Promise<Session> {
    const credentials = await this.users.findCredentials(dto.email);
    const hash = credentials?.passwordHash ?? (await this.dummyHash);
    const matches = await bcrypt.compare(dto.password, hash);
    if (!credentials || !matches) throw new UnauthorizedException('Invalid email or password');
    return { user: credentials.user, token: this.sign(credentials.user._id) };
  }

  /** Checks a password for an action that needs it again (account deletion). */
  async verifyPassword(userId: string, password: string): Promise<void> {
    const hash = await this.users.findPasswordHash(userId);
    const matches = await bcrypt.compare(password, hash ?? (await this.dummyHash));
    if (!hash || !matches) throw new UnauthorizedException('Invalid password');
  }

  async onboard(userId: string, dto: OnboardingDto): Promise<UserView> {
    const user = await this.users.completeOnboarding(userId, dto);
    await this.sync.syncUser(userId);
    return user;
  }

  private sign(userId: string): string {
    const payload: JwtPayload = { userId };
    return this.jwt.sign(payload);
  }
}
