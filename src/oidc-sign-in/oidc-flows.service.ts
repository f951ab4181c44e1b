import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { hashSecret } from '../common/secrets';
import { oidcConfig } from '../config/configuration';
import type { PendingAuthorization } from '../oidc/oidc-providers.service';
import { OidcFlow, OidcFlowMode } from './schemas/oidc-flow.schema';

/** A flow to remember until its callback. */
export interface NewOidcFlow {
  provider: string;
  mode: OidcFlowMode;
  /** Link mode: the signed-in user and their session. */
  linkingUser?: { id: string; sessionId: string };
  pending: PendingAuthorization;
  redirectUri: string;
  returnTo: string;
  browserKey: string;
}

/** A flow its callback took back: what finishing it needs (the browser was checked on the way). */
export type OidcFlowRecord = Omit<NewOidcFlow, 'browserKey'>;

/** Owns `oidc_flows`: pending sign-ins, each taken back once, by its state, from the browser that started it. */
@Injectable()
export class OidcFlowsService {
  constructor(
    @InjectModel(OidcFlow.name) private readonly flows: Model<OidcFlow>,
    @Inject(oidcConfig.KEY) private readonly config: ConfigType<typeof oidcConfig>,
  ) {}

  async remember(flow: NewOidcFlow): Promise<void> {
    await this.flows.create({
      stateHash: hashSecret(flow.pending.state),
      browserKeyHash: hashSecret(flow.browserKey),
      provider: flow.provider,
      mode: flow.mode,
      user: flow.linkingUser && new Types.ObjectId(flow.linkingUser.id),
      sessionId: flow.linkingUser?.sessionId,
      codeVerifier: flow.pending.codeVerifier,
      nonce: flow.pending.nonce,
      redirectUri: flow.redirectUri,
      returnTo: flow.returnTo,
      expiresAt: new Date(Date.now() + this.config.flowTtlMs),
    });
  }

  /**
   * Takes back the live flow of this state, if the browser presenting it is the one that started it: atomic,
   * so a state works once even when its callback is replayed or raced. A flow presented by another browser is
   * spent all the same (a forged callback cannot be retried against it).
   */
  async takeBack(state: string, browserKey: string | undefined): Promise<OidcFlowRecord | null> {
    const flow = await this.flows
      .findOneAndDelete({ stateHash: hashSecret(state), expiresAt: { $gt: new Date() } })
      .lean()
      .exec();
    if (!flow || !browserKey) return null;
    const presented = Buffer.from(hashSecret(browserKey), 'hex');
    const expected = Buffer.from(flow.browserKeyHash, 'hex');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return null;
    return {
      provider: flow.provider,
      mode: flow.mode,
      linkingUser:
        flow.user && flow.sessionId ? { id: flow.user.toString(), sessionId: flow.sessionId } : undefined,
      pending: { codeVerifier: flow.codeVerifier, nonce: flow.nonce, state },
      redirectUri: flow.redirectUri,
      returnTo: flow.returnTo,
    };
  }
}
