import { compose, type Paragraph } from '../mail/compose';
import type { OutgoingMail } from '../mail/mail.service';

// The account mails, each a plain-text and an HTML part saying the same thing. Links point at pages of the
// frontend (APP_URL), which POST what they carry: a mail scanner that opens a link changes nothing.

/** `APP_URL/<page>?token=…` (APP_URL may carry a path of its own). */
export function appLink(appUrl: string, page: string, token: string): string {
  const link = new URL(page, appUrl.replace(/\/?$/, '/'));
  link.searchParams.set('token', token);
  return link.href;
}

export function passwordResetMail(to: string, link: string, minutes: number): OutgoingMail {
  return compose(to, 'Reset your password', [
    'Someone (hopefully you) asked to reset the password of your account.',
    { href: link, label: `Choose a new password (the link works for ${minutes} minutes)` },
    'If it was not you, ignore this mail: your password stays as it is.',
  ]);
}

/** A code and a link to confirm an address: the account's own, or the new one of an email change. */
export interface Confirmation {
  code: string;
  link: string;
  /** How long both work, in words. */
  validFor: string;
}

const confirmationParagraphs = (c: Confirmation): Paragraph[] => [
  `Your code: ${c.code}`,
  { href: c.link, label: 'Or open this link to confirm' },
  `The code and the link work for ${c.validFor}, once; asking for a new one replaces them.`,
];

export function verifyAddressMail(to: string, c: Confirmation): OutgoingMail {
  return compose(to, 'Confirm your email address', [
    'Please confirm that this is your email address.',
    ...confirmationParagraphs(c),
    'If you did not create an account, ignore this mail.',
  ]);
}

export function confirmNewAddressMail(to: string, c: Confirmation): OutgoingMail {
  return compose(to, 'Confirm your new email address', [
    'Someone (hopefully you) asked to move their account to this email address.',
    ...confirmationParagraphs(c),
    'If it was not you, ignore this mail: nothing changes.',
  ]);
}

/**
 * To the holder of an address someone just tried to sign up (or move an account) with: they already have an
 * account. Still unverified, it gets its confirmation too, so a user who lost the first mail is not stuck.
 */
export function alreadyRegisteredMail(to: string, appUrl: string, c?: Confirmation): OutgoingMail {
  return compose(to, 'You already have an account', [
    'Someone (hopefully you) just tried to use this email address for an account here, but it already has one.',
    ...(c ? ['Your address is not confirmed yet:', ...confirmationParagraphs(c)] : []),
    `Sign in at ${appUrl} with the password you chose then, or ask for a password reset there if you forgot it.`,
    'If it was not you, ignore this mail: nothing changed.',
  ]);
}

export function emailChangedMail(to: string, newAddress: string, appUrl: string): OutgoingMail {
  return compose(to, 'Your email address was changed', [
    `The email address of your account was changed to ${newAddress}, and its other sessions were signed out.`,
    `If you did not do this, your account may be in someone else's hands: contact us through ${appUrl} at once.`,
  ]);
}
