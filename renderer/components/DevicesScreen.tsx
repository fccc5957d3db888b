import { useStore } from 'zustand';
import { useT } from '../i18n/hooks';
import { closeDevices, printerStore, reprintLast, testPrint } from '../state/printer';
import { statusStore } from '../state/status';
import { TouchButton } from './TouchButton';

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
