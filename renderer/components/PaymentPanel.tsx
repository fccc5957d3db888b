import type { ReactNode } from 'react';

/**
 * The top of the card tap screen and the wallet panel: what is charged, and under it the payment's
 * state in big words (read out at once by a screen reader). Both panels share these styles
 * (card-*), so they look and speak alike.
 */
export function PaymentAmount({ title, label, testId, children }: { title: string; label: string; testId: string; children: ReactNode }) {
  return (
    <>
      <h1 className="screen-title">{title}</h1>
      <div className="due-label">{label}</div>
      <div className="card-amount" data-testid={testId}>
        {children}
      </div>
    </>
  );
}

/** `tone` colours it (card-state-wait, -ok, -stored, -bad); `icon` is drawn before the words. */
export function PaymentState({ tone, icon, testId, children }: { tone: string; icon?: ReactNode; testId: string; children: ReactNode }) {
  return (
    <div className={`card-state card-state-${tone}`} role="status" aria-live="assertive">
      {icon !== undefined && (
        <span className="card-icon" aria-hidden="true">
          {icon}
        </span>
      )}
      <span className="card-message" data-testid={testId}>
        {children}
      </span>
    </div>
  );
}
