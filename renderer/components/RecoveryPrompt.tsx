import { useStore } from 'zustand';
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
  const money = useMoney();
  const payment = useStore(cardStore, (s) => s.recovered[0] ?? null);
  const busy = useStore(cardStore, (s) => s.busy);
  if (!payment) return <WalletRecoveryPrompt />;
  return (
    <div className="recovery-screen" role="alertdialog" aria-modal="true" aria-labelledby="recovery-title">
      <div className="recovery-panel" data-testid="recovery-prompt" data-payment-id={payment.paymentId}>
        <h2 id="recovery-title">
          {payment.state === 'stored' || payment.state === 'forwarding' ? t('recovery.titleStored') : t('recovery.title')}
        </h2>
        <div className="recovery-amount" data-testid="recovery-amount">
          {money(payment.amount, payment.currency)}
        </div>
        {payment.card && (
          <div className="card-info">
            {t('card.cardInfo', { brand: payment.card.label ?? payment.card.brand.toUpperCase(), last4: payment.card.last4 })}
            {payment.authCode && <span> · {t('card.authCode', { code: payment.authCode })}</span>}
          </div>
        )}
        <p className="recovery-explain">{t('recovery.explain')}</p>
        <div className="recovery-actions">
          <TouchButton
            className="recovery-complete"
            data-testid="recovery-complete"
            disabled={busy}
            onClick={() => void resolveRecovered(payment.paymentId, 'complete')}
          >
            {t('recovery.complete')}
          </TouchButton>
          <TouchButton
            className="recovery-void"
            data-testid="recovery-void"
            disabled={busy}
            onClick={() => void resolveRecovered(payment.paymentId, 'void')}
          >
            {t('recovery.void')}
          </TouchButton>
        </div>
      </div>
    </div>
  );
}

/** The same for a wallet payment (after any card ones): complete the sale with it, or void it. */
function WalletRecoveryPrompt() {
  const t = useT();
  const money = useMoney();
  const payment = useStore(walletStore, (s) => s.recovered[0] ?? null);
  const busy = useStore(walletStore, (s) => s.busy);
  const language = useStore(uiStore, (s) => s.language);
  if (!payment) return null;
  return (
    <div className="recovery-screen" role="alertdialog" aria-modal="true" aria-labelledby="wallet-recovery-title">
      <div className="recovery-panel" data-testid="wallet-recovery-prompt" data-payment-id={payment.paymentId}>
        <h2 id="wallet-recovery-title">{t('wallet.recoveryTitle')}</h2>
        <div className="recovery-amount" data-testid="wallet-recovery-amount">
          {money(payment.amount, payment.currency)}
        </div>
        <div className="card-info">
          {t('wallet.tender', { wallet: WALLET_NAMES[payment.provider][language], masked: payment.maskedCode })}
        </div>
        <p className="recovery-explain">{t('wallet.recoveryExplain')}</p>
        <div className="recovery-actions">
          <TouchButton
            className="recovery-complete"
            data-testid="wallet-recovery-complete"
            disabled={busy}
            onClick={() => void resolveRecoveredWallet(payment.paymentId, 'complete')}
          >
            {t('recovery.complete')}
          </TouchButton>
          <TouchButton
            className="recovery-void"
            data-testid="wallet-recovery-void"
            disabled={busy}
            onClick={() => void resolveRecoveredWallet(payment.paymentId, 'void')}
          >
            {t('recovery.void')}
          </TouchButton>
        </div>
      </div>
    </div>
  );
}
