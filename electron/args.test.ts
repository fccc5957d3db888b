import { describe, expect, it } from 'vitest';
import { parseShellArgs, ShellUsageError } from './args';

describe('parseShellArgs', () => {
  it('defaults to the per-user data dir, no demo, windowed', () => {
    expect(parseShellArgs(['/app/dist/electron/main.cjs'])).toEqual({
      dataDir: null,
      demo: false,
      kiosk: false,
      printer: null,
      printerProfile: null,
      receiptLanguage: null,
      reader: null,
      scanner: null,
      zone: null,
    });
  });

  it('reads the receipt printer, its profile and the receipt language', () => {
    expect(
      parseShellArgs([
        '--printer',
        'serial:/dev/ttyUSB0?baud=19200',
        '--printer-profile',
        '58mm',
        '--receipt-language',
        'zh',
      ]),
    ).toMatchObject({
      printer: 'serial:/dev/ttyUSB0?baud=19200',
      printerProfile: '58mm',
      receiptLanguage: 'zh',
    });
    expect(() => parseShellArgs(['--printer'])).toThrow(ShellUsageError);
    expect(() => parseShellArgs(['--printer', 'sim:printer', '--receipt-language', 'fr'])).toThrow(
      /both, zh or en/,
    );
  });

  it('reads the barcode scanner address', () => {
    expect(parseShellArgs(['--scanner', 'serial:/dev/ttyACM0?suffix=cr']).scanner).toBe('serial:/dev/ttyACM0?suffix=cr');
    expect(() => parseShellArgs(['--scanner'])).toThrow(/--scanner needs a value/);
  });

  it('reads the card reader address', () => {
    expect(parseShellArgs(['--reader', 'hid:0801:2020']).reader).toBe('hid:0801:2020');
    expect(() => parseShellArgs(['--reader'])).toThrow(/--reader needs a value/);
    expect(() => parseShellArgs(['--reader', '--demo'])).toThrow(ShellUsageError);
  });

  it('reads the data dir in both spellings, demo and kiosk, among Chromium switches', () => {
    expect(parseShellArgs(['--no-sandbox', '--data-dir', '/srv/pos', '--demo', '--kiosk'])).toEqual(
      {
        dataDir: '/srv/pos',
        demo: true,
        kiosk: true,
        printer: null,
        printerProfile: null,
        receiptLanguage: null,
        reader: null,
        scanner: null,
        zone: null,
      },
    );
    expect(parseShellArgs(['--data-dir=/srv/pos 2']).dataDir).toBe('/srv/pos 2');
  });

  it('refuses --data-dir without a folder instead of silently using the default', () => {
    expect(() => parseShellArgs(['--data-dir'])).toThrow(ShellUsageError);
    expect(() => parseShellArgs(['--data-dir', '--kiosk'])).toThrow(/needs a folder/);
    expect(() => parseShellArgs(['--data-dir='])).toThrow(ShellUsageError);
  });
  it('reads the counter zone', () => {
    expect(parseShellArgs(['--zone', 'vip']).zone).toBe('vip');
    expect(() => parseShellArgs(['--zone'])).toThrow(/--zone needs a value/);
  });
});
