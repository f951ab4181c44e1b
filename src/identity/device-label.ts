import Bowser from 'bowser';

const MAX_LABEL = 60;

/** A short, human label for the session list ("Chrome on macOS"); the raw User-Agent is never stored whole. */
export function deviceLabel(userAgent: string | undefined): string {
  const ua = userAgent?.trim() ?? '';
  if (ua === '') return 'Unknown device';
  const { browser, os } = Bowser.parse(ua);
  if (!browser.name) return ua.slice(0, MAX_LABEL);
  return (os.name ? `${browser.name} on ${os.name}` : browser.name).slice(0, MAX_LABEL);
}
