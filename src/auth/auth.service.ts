import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { AccountsService } from '../accounts/accounts.service';
import { authConfig } from '../config/configuration';
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
  constructor(
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
  ) {
    if (config.jwtSecretGenerated) {
      new Logger(AuthService.name).warn(
        'JWT_SECRET_KEY is unset: using a random secret, sessions end on restart',
      );
    }
  }

  async signup(dto: SignupDto): Promise<Session> {
    const user = await this.accounts.createAccount(dto);
    return { user, token: this.sign(user._id) };
  }

  async login(dto: LoginDto): Promise<Session> {
    const user = await this.users.findByCredentials(dto.email, dto.password);
    if (!user) throw new UnauthorizedException('Invalid email or password');
    return { user, token: this.sign(user._id) };
  }

  onboard(userId: string, dto: OnboardingDto): Promise<UserView> {
    return this.accounts.completeOnboarding(userId, dto);
  }

  private sign(userId: string): string {
    const payload: JwtPayload = { userId };
    return this.jwt.sign(payload);
  }
}
