// The Electron main process: thin wiring of the terminal, the window and the guards. Everything
// with logic lives in the modules it imports, which are unit-tested with a fake electron.
// Runs only as the esbuild bundle dist/electron/main.cjs, beside preload.cjs and ../renderer.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { app, BrowserWindow, dialog, ipcMain, net, session } from 'electron';
import { createTerminal } from '../terminal/create-terminal';
import type { Terminal } from '../terminal/terminal';
import { parseShellArgs } from './args';
import { appUrlMatcher, hardenWebContents, lockDownSession } from './guards';
import { EVENT_CHANNEL, forwardEvents, registerIpc, trustedFrameCheck } from './ipc';
import { electronSqliteBindingPath, SQLITE_BINDING_FILE } from './native-path';
import { windowOptions } from './window-options';

const rendererDir = path.join(__dirname, '..', 'renderer');
const indexHtml = path.join(rendererDir, 'index.html');
const isAppUrl = appUrlMatcher(indexHtml);

/**
 * better-sqlite3's Node build cannot load here (other ABI). Packaged builds carry the Electron
 * build in resources/native; a checkout uses POS_SQLITE_BINDING (set by `pos start`) or .native/.
 */
function sqliteBinding(): string | undefined {
  const fromEnv = process.env.POS_SQLITE_BINDING;
  if (fromEnv) return fromEnv;
  if (app.isPackaged) return path.join(process.resourcesPath, 'native', SQLITE_BINDING_FILE);
  const checkout = electronSqliteBindingPath(
    path.join(__dirname, '..', '..'),
    process.versions.electron,
    process.arch,
  );
  return existsSync(checkout) ? checkout : undefined;
}

function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`Venue POS could not start: ${message}`);
  dialog.showErrorBox('Venue POS could not start', message);
  app.exit(1);
}

async function start(): Promise<void> {
  const args = parseShellArgs(process.argv.slice(1));
  // A second till window on one database would race the first for the same sale.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, isAppUrl));
  await app.whenReady();
  lockDownSession(session.defaultSession, rendererDir, (url) =>
    net.fetch(url, { bypassCustomProtocolHandlers: true }),
  );

  const terminal: Terminal = await createTerminal({
    dataDir: args.dataDir ?? path.join(app.getPath('userData'), 'terminal'),
    demo: args.demo,
    nativeBinding: sqliteBinding(),
    ...(args.printer
      ? {
          printer: {
            address: args.printer,
            ...(args.printerProfile ? { profile: args.printerProfile } : {}),
            ...(args.receiptLanguage ? { language: args.receiptLanguage } : {}),
          },
        }
      : {}),
    ...(args.reader ? { reader: { address: args.reader } } : {}),
    ...(args.scanner ? { scanner: { address: args.scanner } } : {}),
    ...(args.zone ? { zone: args.zone } : {}),
  });

  const win = new BrowserWindow(
    windowOptions({
      preloadPath: path.join(__dirname, 'preload.cjs'),
      kiosk: args.kiosk,
      devTools: !app.isPackaged && !args.kiosk,
    }),
  );
  const mainFrame = () => (win.isDestroyed() ? null : win.webContents.mainFrame);
  const unregister = registerIpc(ipcMain, terminal, trustedFrameCheck(mainFrame, isAppUrl));
  const stopEvents = forwardEvents(terminal, (name, payload) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, name, payload);
  });

  win.once('ready-to-show', () => win.show());
  // A crashed renderer must not leave the counter on a dead screen; the sale lives in SQLite.
  win.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit') setTimeout(() => !win.isDestroyed() && win.reload(), 1000);
  });
  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  // Even on macOS: a till has one window, and closing it ends the shift's app.
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    stopEvents();
    unregister();
    terminal.close();
  });

  await win.loadFile(indexHtml);
}

start().catch(fail);
