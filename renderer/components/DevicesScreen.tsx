import { useState } from 'react';
import { useStore } from 'zustand';
import { simulateScan } from '../state/boot';
import { useT } from '../i18n/hooks';
import { closeDevices, printerStore, reprintLast, testPrint } from '../state/printer';
import { statusStore } from '../state/status';
import { TouchButton } from './TouchButton';

/** The scanner the terminal drives; a simulated one takes typed codes as scans (demo). */
function ScannerSection() {
  const t = useT();
  const scanner = useStore(statusStore, (s) => s.status?.scanner ?? null);
  const [text, setText] = useState('');
  if (!scanner) return null;
  return (
    <section className="devices-scanner" data-testid="devices-scanner">
      <h3>{t('status.scanner')}</h3>
      <dl className="devices-facts">
        <div>
          <dt>{t('devices.address')}</dt>
          <dd data-testid="devices-scanner-address">{scanner.address ?? t('status.device.not_configured')}</dd>
        </div>
        <div>
          <dt>{t('devices.status')}</dt>
          <dd data-testid="devices-scanner-state" data-state={scanner.state} title={scanner.detail ?? undefined}>
            {t(`status.device.${scanner.state}`)}
          </dd>
        </div>
      </dl>
      {scanner.simulated && (
        <form
          className="devices-actions"
          // Typing a code here must not reach the sell screen's keys.
          onKeyDown={(e) => e.stopPropagation()}
          onSubmit={(e) => {
            e.preventDefault();
            const code = text.trim();
            setText('');
            if (code) void simulateScan(code);
          }}
        >
          <label>
            {t('devices.simulateScan')}{' '}
            <input data-testid="devices-simulate-scan" value={text} autoComplete="off" onChange={(e) => setText(e.target.value)} />
          </label>
          <button type="submit" data-testid="devices-simulate-scan-send">
            {t('devices.simulateScanSend')}
          </button>
        </form>
      )}
    </section>
  );
}

/** The Devices screen: the printer's address and status, test print, and the last receipt. */
export function DevicesScreen() {
  const t = useT();
  const open = useStore(printerStore, (s) => s.devicesOpen);
  const preview = useStore(printerStore, (s) => s.preview);
  const lastQueued = useStore(printerStore, (s) => s.lastQueued);
  const printer = useStore(statusStore, (s) => s.status?.printer ?? null);
  if (!open || !printer) return null;
  const configured = printer.state !== 'not_configured';
  const stateText = printer.problem ? t(`printer.problem.${printer.problem}`) : t(`status.device.${printer.state}`);
  return (
    <div className="devices-screen" data-testid="devices-screen" role="dialog" aria-modal="true" aria-labelledby="devices-title">
      <div className="devices-panel">
        <header className="devices-header">
          <h2 id="devices-title">{t('devices.title')}</h2>
          <TouchButton className="devices-close" data-testid="devices-close" onClick={closeDevices}>
            {t('devices.close')}
          </TouchButton>
        </header>
        <section className="devices-printer">
          <h3>{t('status.printer')}</h3>
          <dl className="devices-facts">
            <div>
              <dt>{t('devices.address')}</dt>
              <dd data-testid="devices-printer-address">{printer.address ?? t('status.device.not_configured')}</dd>
            </div>
            {printer.profile && (
              <div>
                <dt>{t('devices.profile')}</dt>
                <dd>{printer.profile}</dd>
              </div>
            )}
            <div>
              <dt>{t('devices.status')}</dt>
              <dd data-testid="devices-printer-state" data-state={printer.state} title={printer.detail ?? undefined}>
                {stateText}
              </dd>
            </div>
            <div>
              <dt>{t('devices.queued')}</dt>
              <dd data-testid="devices-printer-queued">{printer.queued}</dd>
            </div>
            {printer.drawerOpen !== null && (
              <div>
                <dt>{t('devices.drawer')}</dt>
                <dd data-testid="devices-drawer">{printer.drawerOpen ? t('devices.drawerOpen') : t('devices.drawerClosed')}</dd>
              </div>
            )}
          </dl>
          {configured && (
            <div className="devices-actions">
              <TouchButton data-testid="devices-test-print" onClick={() => void testPrint()}>
                {t('devices.testPrint')}
              </TouchButton>
              <TouchButton data-testid="devices-reprint-last" onClick={() => void reprintLast()}>
                {t('printer.reprintLast')}
              </TouchButton>
              {lastQueued && <span className="devices-queued-note">{t(`devices.queuedNote.${lastQueued}`)}</span>}
            </div>
          )}
        </section>
        <ScannerSection />
        <section className="devices-preview">
          <h3>
            {t('devices.lastReceipt')}
            {preview?.receiptRef ? ` ${preview.receiptRef}` : ''}
          </h3>
          {preview?.svg ? (
            // As an image: the SVG is our own renderer's, and an <img> never runs anything in it.
            <img
              className="receipt-svg"
              data-testid="devices-receipt-svg"
              alt={t('devices.lastReceipt')}
              src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(preview.svg)}`}
            />
          ) : (
            <p className="placeholder">{t('devices.noReceipt')}</p>
          )}
        </section>
      </div>
    </div>
  );
}
