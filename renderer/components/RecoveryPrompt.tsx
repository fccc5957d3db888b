import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Minor } from '../../contract/money';
import { WALLET_NAMES } from '../../contract/wallet';
import { useMoney, useT } from '../i18n/hooks';
import { cardStore, resolveRecovered } from '../state/card';
import { uiStore } from '../state/ui';
import { resolveRecoveredWallet, walletStore } from '../state/wallet';
import { TouchButton } from './TouchButton';

/**
 * "Approved, not completed" (ARCHITECTURE §5): a card payment recovery found approved at the
 * gateway whose sale never completed. The cashier completes the sale or voids the payment.
 */
export function RecoveryPrompt() {
  const t = useT();
  const payment = useStore(cardStore, (s) => s.recovered[0] ?? null);
  const busy = useStore(cardStore, (s) => s.busy);
  if (!payment) return <WalletRecoveryPrompt />;
  return (
    <RecoveryPanel
      testIdPrefix=""
      paymentId={payment.paymentId}
      title={payment.state === 'stored' || payment.state === 'forwarding' ? t('recovery.titleStored') : t('recovery.title')}
      amount={payment.amount}
      currency={payment.currency}
      info={
        payment.card && (
          <div className="card-info">
            {t('card.cardInfo', { brand: payment.card.label ?? payment.card.brand.toUpperCase(), last4: payment.card.last4 })}
            {payment.authCode && <span> · {t('card.authCode', { code: payment.authCode })}</span>}
          </div>
        )
      }
      explain={t('recovery.explain')}
      busy={busy}
      onResolve={(action) => void resolveRecovered(payment.paymentId, action)}
    />
  );
}

/** The same for a wallet payment (after any card ones): complete the sale with it, or void it. */
function WalletRecoveryPrompt() {
  const t = useT();
  const payment = useStore(walletStore, (s) => s.recovered[0] ?? null);
  const busy = useStore(walletStore, (s) => s.busy);
  const language = useStore(uiStore, (s) => s.language);
  if (!payment) return null;
  return (
    <RecoveryPanel
      testIdPrefix="wallet-"
      paymentId={payment.paymentId}
      title={t('wallet.recoveryTitle')}
      amount={payment.amount}
      currency={payment.currency}
      info={<div className="card-info">{t('wallet.tender', { wallet: WALLET_NAMES[payment.provider][language], masked: payment.maskedCode })}</div>}
      explain={t('wallet.recoveryExplain')}
      busy={busy}
      onResolve={(action) => void resolveRecoveredWallet(payment.paymentId, action)}
    />
  );
}

interface RecoveryPanelProps {
  /** '' for cards, 'wallet-' for wallets: the e2e tests find each prompt by these test ids. */
  testIdPrefix: '' | 'wallet-';
  paymentId: string;
  title: string;
  amount: Minor;
  currency: string;
  /** What paid (card or wallet, masked), under the amount. */
  info: ReactNode;
  explain: string;
  busy: boolean;
  onResolve: (action: 'complete' | 'void') => void;
}

/** The modal both prompts show: what paid, why it waits, and Complete / Void. */
function RecoveryPanel({ testIdPrefix, paymentId, title, amount, currency, info, explain, busy, onResolve }: RecoveryPanelProps) {
  const t = useT();
  const money = useMoney();
  const titleId = `${testIdPrefix}recovery-title`;
  return (
    <div className="recovery-screen" role="alertdialog" aria-modal="true" aria-labelledby={titleId}>
      <div className="recovery-panel" data-testid={`${testIdPrefix}recovery-prompt`} data-payment-id={paymentId}>
        <h2 id={titleId}>{title}</h2>
        <div className="recovery-amount" data-testid={`${testIdPrefix}recovery-amount`}>
          {money(amount, currency)}
        </div>
        {info}
        <p className="recovery-explain">{explain}</p>
        <div className="recovery-actions">
          <TouchButton className="recovery-complete" data-testid={`${testIdPrefix}recovery-complete`} disabled={busy} onClick={() => onResolve('complete')}>
            {t('recovery.complete')}
          </TouchButton>
          <TouchButton className="recovery-void" data-testid={`${testIdPrefix}recovery-void`} disabled={busy} onClick={() => onResolve('void')}>
            {t('recovery.void')}
          </TouchButton>
        </div>
      </div>
    </div>
  );
}
