import { deviceLabel } from './device-label';

describe('deviceLabel', () => {
  it('names the browser and the operating system', () => {
    expect(
      deviceLabel(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome on macOS');
    expect(
      deviceLabel(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
  });

  it('keeps the start of an agent no browser matches, and names a missing one', () => {
    expect(deviceLabel('curl/8.5.0')).toBe('curl/8.5.0');
    expect(deviceLabel(`bot/${'x'.repeat(200)}`)).toHaveLength(60);
    expect(deviceLabel(undefined)).toBe('Unknown device');
    expect(deviceLabel('  ')).toBe('Unknown device');
  });
});
