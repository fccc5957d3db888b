import { useEffect } from 'react';
import { useStore } from 'zustand';
import { useT } from '../i18n/hooks';
import {
  backspacePin,
  clearPin,
  loadStaff,
  pickStaff,
  sessionStore,
  submitPin,
  typePinDigit,
} from '../state/session';
import { PinPad } from './PinPad';
import { TouchButton } from './TouchButton';

/**
 * Signed out: staff tiles, then the PIN pad. Locked: names who is signed in; their PIN unlocks,
 * another person's tile and PIN signs them out and takes over.
 */
export function SignInScreen() {
  const t = useT();
  const session = useStore(sessionStore, (s) => s.session);
  const staff = useStore(sessionStore, (s) => s.staff);
  const pickedId = useStore(sessionStore, (s) => s.pickedId);
  const pin = useStore(sessionStore, (s) => s.pin);
  const problem = useStore(sessionStore, (s) => s.problem);
  const busy = useStore(sessionStore, (s) => s.busy);
  const locked = session?.state === 'locked';
  useEffect(() => {
    // The staff list may have changed (the gateway's reference data) since the last sign-in.
    void loadStaff();
  }, [session?.state]);
  const picked = staff.find((m) => m.id === pickedId) ?? (locked && session.staff?.id === pickedId ? session.staff : null);
  return (
    <div className="signin" data-testid={locked ? 'lock-screen' : 'signin-screen'} data-state={session?.state}>
      <section className="signin-staff">
        <h2>{locked ? t('signin.lockedTitle') : t('signin.title')}</h2>
        {locked && session.staff && (
          <p className="signin-locked" data-testid="lock-who">
            {t('signin.lockedBy', { name: session.staff.name })}
          </p>
        )}
        <p className="muted">{locked ? t('signin.lockedHint') : t('signin.pick')}</p>
        <div className="staff-tiles" role="radiogroup" aria-label={t('signin.pick')}>
          {staff.map((m) => (
            <TouchButton
              key={m.id}
              className={m.id === pickedId ? 'staff-tile selected' : 'staff-tile'}
              data-testid={`staff-tile-${m.id}`}
              role="radio"
              aria-checked={m.id === pickedId}
              onClick={() => pickStaff(m.id)}
            >
              <span className="staff-name">{m.name}</span>
              <span className="staff-role">{t(`role.${m.role}`)}</span>
            </TouchButton>
          ))}
        </div>
      </section>
      <section className="signin-pin">
        <h3 data-testid="signin-picked">{picked ? t('signin.pinFor', { name: picked.name }) : t('signin.pickFirst')}</h3>
        <PinPad
          id="signin"
          pin={pin}
          problem={problem}
          busy={busy}
          ready={picked !== null}
          onDigit={typePinDigit}
          onBackspace={backspacePin}
          onClear={clearPin}
          onOk={() => void submitPin()}
        />
      </section>
    </div>
  );
}
