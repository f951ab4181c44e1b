import type { OutgoingMail } from './mail.service';

// A mail as a plain-text and an HTML part saying the same thing.

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Paragraphs as text and as HTML; a `{ href, label }` paragraph is a link (its URL spelled out in the text). */
export type Paragraph = string | { href: string; label: string };

export function compose(to: string, subject: string, paragraphs: Paragraph[]): OutgoingMail {
  return {
    to,
    subject,
    text: paragraphs.map((p) => (typeof p === 'string' ? p : `${p.label}:\n${p.href}`)).join('\n\n'),
    html: paragraphs
      .map((p) =>
        typeof p === 'string'
          ? `<p>${escapeHtml(p)}</p>`
          : `<p><a href="${escapeHtml(p.href)}">${escapeHtml(p.label)}</a></p>`,
      )
      .join(''),
  };
}
