import { DiscoveryService } from '@nestjs/core';

/**
 * The owner of a collection above accounts/ that holds data about a user (password-reset tokens, export slots):
 * account deletion discards it through the owner, which accounts/ cannot import. One more such collection is one
 * more provider marked `@OwnsAccountData('collection')`.
 */
export interface AccountDataOwner {
  discardAllOf(userId: string): Promise<void>;
}

/** Marks a provider implementing AccountDataOwner; the argument names its collection. */
export const OwnsAccountData = DiscoveryService.createDecorator<string>();
