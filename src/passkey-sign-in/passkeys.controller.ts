import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SecondFactorProofDto } from '../accounts/dto/second-factor-proof.dto';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '../passkeys/webauthn.service';
import { CurrentUser } from '../identity/current-user.decorator';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import type { Principal } from '../identity/principal';
import { CeremonyOptions } from '../identity/ceremony-options.decorator';
import { PasskeyNameDto, RegisterPasskeyDto } from './dto/passkey.dto';
import { PasskeyListResponse, PasskeyResponse } from './dto/passkeys.response';
import { MyPasskeysService } from './my-passkeys.service';

/** My passkeys: add one, list them, rename or remove one. */
@ApiTags('auth')
@ApiCookieAuth()
@ApiUnauthorizedResponse()
@UseGuards(JwtAuthGuard)
@Controller('auth/passkeys')
export class PasskeysController {
  constructor(private readonly mine: MyPasskeysService) {}

  @Post('registration/options')
  @CeremonyOptions(
    'PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create() (or @simplewebauthn/browser ' +
      'startRegistration): a discoverable credential, user verification required, my passkeys excluded; its ' +
      'challenge works once, for WEBAUTHN_CHALLENGE_TTL_SECONDS',
  )
  registrationOptions(@CurrentUser() me: Principal): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return this.mine.registrationOptions(me.id);
  }

  @Post('verification/options')
  @CeremonyOptions(
    'PublicKeyCredentialRequestOptionsJSON to prove it is me with one of my passkeys (the `webauthn` proof of ' +
      'removing a factor): allowCredentials are my passkeys, its challenge works once, for me only',
  )
  verificationOptions(@CurrentUser() me: Principal): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.mine.verificationOptions(me.id);
  }

  @Post()
  @ApiCreatedResponse({
    type: PasskeyResponse,
    description:
      'Passkey verified and added to my account; my first factor: this session becomes aal2, my other sessions and ' +
      'chat tokens end',
  })
  @ApiBadRequestResponse({
    description:
      'Not a valid registration response: challenge expired, used or not mine; another origin or RP id; the user ' +
      'not verified',
  })
  @ApiConflictResponse({ description: 'This passkey is already registered' })
  async register(@CurrentUser() me: Principal, @Body() dto: RegisterPasskeyDto): Promise<PasskeyResponse> {
    return { success: true, passkey: await this.mine.register(me, dto) };
  }

  @Get()
  @ApiOkResponse({ type: PasskeyListResponse, description: 'Mine, oldest first; never a key' })
  async list(@CurrentUser() me: Principal): Promise<PasskeyListResponse> {
    return { passkeys: await this.mine.list(me.id) };
  }

  @Patch(':id')
  @ApiOkResponse({ type: PasskeyResponse, description: 'Renamed' })
  @ApiBadRequestResponse()
  @ApiNotFoundResponse({ description: 'No such passkey of mine' })
  async rename(
    @CurrentUser() me: Principal,
    @Param('id') id: string,
    @Body() dto: PasskeyNameDto,
  ): Promise<PasskeyResponse> {
    return { success: true, passkey: await this.mine.rename(me.id, id, dto.name) };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Removed: it no longer signs in to my account' })
  @ApiBadRequestResponse({ description: 'Not exactly one of code, recoveryCode, webauthn' })
  @ApiUnauthorizedResponse({ description: 'No session, a wrong code or a passkey assertion refused' })
  @ApiNotFoundResponse({ description: 'No such passkey of mine' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes for this account' })
  async remove(
    @CurrentUser() me: Principal,
    @Param('id') id: string,
    @Body() proof: SecondFactorProofDto,
  ): Promise<void> {
    await this.mine.remove(me.id, id, proof);
  }
}
