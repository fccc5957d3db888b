// The main window's options and the renderer's Content Security Policy, kept pure so a test can
// pin every security setting without an Electron binary (ARCHITECTURE §9).
import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * Everything the renderer loads ships inside the app: no remote script, style, frame or form
 * target, and no plugin or <base> tricks. `data:` images stay allowed for generated QR codes.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface WindowConfig {
  /** Absolute path of the bundled preload (dist/electron/preload.cjs). */
  preloadPath: string;
  /** Counter mode: full screen, no window frame, no way out to the desktop. */
  kiosk: boolean;
  /** Developer tools; off in packaged and kiosk builds. */
  devTools: boolean;
}

export function windowOptions(config: WindowConfig): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    title: 'Venue POS',
    backgroundColor: '#0f172a',
    // Shown on ready-to-show, so the cashier never sees a blank white frame.
    show: false,
    autoHideMenuBar: true,
    kiosk: config.kiosk,
    fullscreen: config.kiosk,
    frame: !config.kiosk,
    webPreferences: {
      preload: config.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: config.devTools,
    },
  };
}
