import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { DeviceState, NetworkStatusDto, ReaderStatusDto } from '../../contract/api';
import { useLocalized, useT } from '../i18n/hooks';
import { openDevices } from '../state/printer';
import { setForcedOffline, statusStore } from '../state/status';
import { toggleLanguage } from '../state/ui';
import { openRefund } from '../state/refund';
import { lockTill, sessionStore, signOut } from '../state/session';
import { openManager, shiftStore } from '../state/shift';
import { TouchButton } from './TouchButton';

function Device({ label, state }: { label: string; state: DeviceState }) {
  const t = useT();
  const stateText = t(`status.device.${state}`);
  return (
    <span className={`device device-${state}`} title={`${label}: ${stateText}`} aria-label={`${label}: ${stateText}`}>
      <span className="dot" aria-hidden="true" />
      <span className="device-label">{label}</span>
    </span>
  );
}

/** The card reader: its state, whether it is the demo's simulator, and a technician's detail. */
function ReaderIndicator({ reader }: { reader: ReaderStatusDto }) {
  const t = useT();
  const label = t('status.reader');
  const stateText = t(`status.device.${reader.state}`);
  const title = [`${label}: ${stateText}`, reader.address, reader.detail].filter(Boolean).join(' · ');
  return (
    <span
      className={`device device-${reader.state}`}
      data-testid="status-reader"
      data-state={reader.state}
      data-simulated={reader.simulated ? 'true' : undefined}
      title={title}
      aria-label={`${label}: ${stateText}`}
    >
      <span className="dot" aria-hidden="true" />
      <span className="device-label">{label}</span>
      {reader.simulated && <span className="device-sim"> ({t('status.readerSim')})</span>}
    </span>
  );
}

/** HH:MM on the counter's wall clock. */
function clockTime(iso: string): string {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function Network({ network }: { network: NetworkStatusDto }) {
  const t = useT();
  // The waiting age ticks on its own: the terminal sends no status while nothing changes.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(id);
  }, []);
  const age = (iso: string): string => {
    const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
    return minutes < 120 ? t('status.ageMinutes', { count: minutes }) : t('status.ageHours', { count: Math.floor(minutes / 60) });
  };
  const label = network.forcedOffline ? t('status.forcedOffline') : t(`status.network.${network.state}`);
  return (
    <span
      className={`status-item network network-${network.state}`}
      data-testid="status-network"
      data-state={network.state}
      data-forced={network.forcedOffline ? 'true' : undefined}
      title={network.problem ?? network.gatewayUrl ?? undefined}
    >
      <span className="dot" aria-hidden="true" />
      {label}
      {network.state === 'offline' && !network.forcedOffline && network.offlineSince && (
        <span className="offline-since"> · {t('status.offlineSince', { time: clockTime(network.offlineSince) })}</span>
      )}
      {network.pendingEvents > 0 && (
        <span className="pending"> · {t('status.pending', { count: network.pendingEvents })}</span>
      )}
      {network.pendingEvents > 0 && network.oldestPendingAt && network.state !== 'standalone' && (
        <span className="oldest"> ({t('status.oldestWaiting', { age: age(network.oldestPendingAt) })})</span>
      )}
      {network.lastSyncAt && (
        <span className="last-sync"> · {t('status.lastSync', { time: clockTime(network.lastSyncAt) })}</span>
      )}
      {network.problem && <span className="sync-problem"> · {t('status.syncProblem')}</span>}
      {network.gatewayUrl && (
        <TouchButton
          className="drill-toggle"
          data-testid="network-drill"
          aria-pressed={network.forcedOffline}
          onClick={() => void setForcedOffline(!network.forcedOffline)}
        >
          {network.forcedOffline ? t('status.drillEnd') : t('status.drillStart')}
        </TouchButton>
      )}
    </span>
  );
}

/** Who is signed in (and whose shift it is), with Lock, Sign out and the Shift menu. */
function StaffSession() {
  const t = useT();
  const session = useStore(sessionStore, (s) => s.session);
  const shift = useStore(shiftStore, (s) => s.shift);
  const active = session?.state === 'active' && session.staff !== null;
  return (
    <span className="status-item staff-session" data-testid="status-cashier" data-state={session?.state}>
      {active ? (
        <>
          <strong data-testid="status-staff" title={t(`role.${session.staff!.role}`)}>
            {session.staff!.name}
          </strong>
          {shift && shift.cashier.id !== session.staff!.id && (
            <span className="muted"> · {t('status.shiftOf', { name: shift.cashier.name })}</span>
          )}
          <TouchButton className="devices-open" data-testid="manager-open" onClick={() => openManager()}>
            {t('manager.open')}
          </TouchButton>
          <TouchButton className="devices-open" data-testid="lock-till" onClick={() => void lockTill()}>
            {t('status.lock')}
          </TouchButton>
          <TouchButton className="devices-open" data-testid="sign-out" onClick={() => void signOut()}>
            {t('status.signOut')}
          </TouchButton>
        </>
      ) : session?.state === 'locked' && session.staff ? (
        <span className="placeholder" data-testid="status-locked">
          {t('status.lockedBy', { name: session.staff.name })}
        </span>
      ) : (
        <span className="placeholder">{t('status.noCashier')}</span>
      )}
    </span>
  );
}

export function StatusBar() {
  const t = useT();
  const signedIn = useStore(sessionStore, (s) => s.session?.state === 'active');
  const text = useLocalized();
  const status = useStore(statusStore, (s) => s.status);
  return (
    <header className={signedIn ? 'status-bar signed-in' : 'status-bar'}>
      <span className="venue">{status ? text(status.venueName) : t('app.title')}</span>
      <span className="status-item" data-testid="status-terminal">
        <span className="muted">{t('status.terminal')}</span> <strong>{status?.shortId ?? '—'}</strong>
      </span>
      <StaffSession />
      {status && (
        <span className="devices">
          <Device label={t('status.printer')} state={status.devices.printer} />
          <ReaderIndicator reader={status.reader} />
          <Device label={t('status.scanner')} state={status.devices.scanner} />
        </span>
      )}
      {status?.printer.drawerOpen && (
        <span className="status-item drawer-open" data-testid="drawer-open" role="status">
          {t('status.drawerOpen')}
        </span>
      )}
      {status && (
        <TouchButton className="devices-open" data-testid="devices-open" onClick={openDevices}>
          {t('devices.open')}
        </TouchButton>
      )}
      {status && signedIn && (
        <TouchButton className="devices-open" data-testid="refund-open" onClick={() => openRefund()}>
          {t('refund.open')}
        </TouchButton>
      )}
      {status && <Network network={status.network} />}
      <span className="status-item spacer">
        {status && (
          <>
            <span className="muted date-label">{t('status.businessDate')}</span> <strong>{status.businessDate}</strong>
          </>
        )}
      </span>
      <TouchButton className="lang-toggle" data-testid="lang-toggle" aria-label={t('lang.switchLabel')} onClick={toggleLanguage}>
        {t('lang.switchTo')}
      </TouchButton>
    </header>
  );
}
