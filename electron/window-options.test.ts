import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, windowOptions } from './window-options';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name = '', ...sources] = d.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );
}

describe('windowOptions', () => {
  const base = { preloadPath: '/app/dist/electron/preload.cjs', kiosk: false, devTools: false };

  it('isolates the renderer from Node and from the preload', () => {
    const prefs = windowOptions(base).webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: false,
    });
  });

  it('fills the screen without a frame only in kiosk mode', () => {
    expect(windowOptions({ ...base, kiosk: true })).toMatchObject({
      kiosk: true,
      fullscreen: true,
      frame: false,
    });
    expect(windowOptions(base)).toMatchObject({ kiosk: false, fullscreen: false, frame: true });
  });

  it('offers developer tools only when asked', () => {
    expect(windowOptions({ ...base, devTools: true }).webPreferences?.devTools).toBe(true);
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it('denies by default and allows scripts only from the app itself', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('never allows remote content, inline script or eval', () => {
    for (const [name, sources] of csp) {
      for (const source of sources) {
        expect(source, `${name} ${source}`).not.toMatch(
          /^(\*|https?:|wss?:|'unsafe-inline'|'unsafe-eval')/,
        );
        expect(source, `${name} ${source}`).not.toContain('.');
      }
    }
  });
});
