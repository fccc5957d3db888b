import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { maskWalletCode, recognizeWalletCode, WALLET_NAMES } from '../../contract/wallet';
import { useMoney, useT, type TextKey } from '../i18n/hooks';
import { saleStore } from '../state/sale';
import { uiStore } from '../state/ui';
import {
  cancelWallet,
  closeWallet,
  scanAgain,
  secondsLeft,
  setTyping,
  startWallet,
  walletCancellable,
  walletFailed,
  walletStore,
  walletToCard,
  walletToCash,
} from '../state/wallet';
import { PaymentAmount, PaymentState } from './PaymentPanel';
import { TouchButton } from './TouchButton';
import { usePadKeys } from './use-pad-keys';

/** Seconds left for the customer to confirm on the phone, ticking. */
function Countdown({ confirmBy }: { confirmBy: string }) {
  const t = useT();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const left = secondsLeft(confirmBy, now);
  if (left === null) return null;
  return (
    <div className="wallet-countdown" data-testid="wallet-countdown" role="timer" aria-live="off">
      {t('wallet.countdown', { seconds: left })}
    </div>
  );
}

const DIGITS = ['7', '8', '9', '4', '5', '6', '1', '2', '3'];
const MAX_CODE = 24;

/** What the typed code shows: never the digits themselves, only the mask the receipt will print. */
function maskedAsTyped(digits: string): string {
  return digits.length >= 8 ? maskWalletCode(digits) : '•'.repeat(digits.length);
}

/**
 * The typed-code fallback, for a phone screen the scanner cannot read: the digits under the
 * barcode on the numeric keypad (or the keyboard). The code stays in this component's state only
 * (never a store) and is dropped once sent.
 */
function TypedCode() {
  const t = useT();
  const [digits, setDigits] = useState('');
  const busy = useStore(walletStore, (s) => s.busy);
  const language = useStore(uiStore, (s) => s.language);
  const recognized = recognizeWalletCode(digits);
  const charge = (): void => {
    if (!recognized || busy) return;
    const code = digits;
    setDigits('');
    void startWallet(code);
  };
  const addDigit = (k: string): void => setDigits((d) => (d.length < MAX_CODE ? d + k : d));
  const backspace = (): void => setDigits((d) => d.slice(0, -1));
  usePadKeys({
    digit: addDigit,
    backspace,
    enter: charge,
    escape: () => {
      setDigits('');
      setTyping(false);
    },
  });
  return (
    <section className="wallet-typed" aria-label={t('wallet.typeTitle')} data-testid="wallet-typed">
      <div className="section-label">{t('wallet.typeTitle')}</div>
      <output className="wallet-typed-code" data-testid="wallet-typed-code" aria-live="polite">
        {maskedAsTyped(digits) || '\u00a0'}
      </output>
      <div className="wallet-typed-hint" role="status">
        {recognized
          ? WALLET_NAMES[recognized.provider][language]
          : digits.length >= 16
            ? t('wallet.typeInvalid')
            : '\u00a0'}
      </div>
      <div className="keypad">
        {DIGITS.map((k) => (
          <TouchButton key={k} className="key" data-testid={`wallet-key-${k}`} onClick={() => addDigit(k)}>
            {k}
          </TouchButton>
        ))}
        <TouchButton className="key key-fn" data-testid="wallet-key-clear" onClick={() => setDigits('')}>
          {t('wallet.typeClear')}
        </TouchButton>
        <TouchButton className="key" data-testid="wallet-key-0" onClick={() => addDigit('0')}>
          0
        </TouchButton>
        <TouchButton className="key key-fn" data-testid="wallet-key-backspace" aria-label={t('tender.backspace')} onClick={backspace}>
          ⌫
        </TouchButton>
      </div>
      <div className="card-actions">
        <TouchButton className="card-cancel" data-testid="wallet-typed-back" onClick={() => setTyping(false)}>
          {t('wallet.typeBack')}
        </TouchButton>
        <TouchButton className="tender-confirm" data-testid="wallet-typed-charge" disabled={!recognized || busy} onClick={charge}>
          {t('wallet.typeCharge')}
        </TouchButton>
      </div>
    </section>
  );
}

/** The wallet panel: scan prompt, the payment's state in big words, and what the cashier can do. */
export function WalletScreen() {
  const t = useT();
  const money = useMoney();
  const language = useStore(uiStore, (s) => s.language);
  const payment = useStore(walletStore, (s) => s.payment);
  const pending = useStore(walletStore, (s) => s.pending);
  const refusal = useStore(walletStore, (s) => s.refusal);
  const busy = useStore(walletStore, (s) => s.busy);
  const typing = useStore(walletStore, (s) => s.typing);
  const sale = useStore(saleStore, (s) => s.sale);
  const state = payment?.state ?? null;
  const failed = refusal !== null || (state !== null && walletFailed(state));
  const idle = state === null && pending === null && refusal === null && !busy;
  const currency = payment?.currency ?? sale?.currency ?? 'XXX';
  const amount = payment?.amount ?? pending?.amount ?? sale?.remaining ?? 0;
  const provider = payment?.provider ?? pending?.provider ?? null;
  const masked = payment?.maskedCode ?? pending?.maskedCode ?? null;

  let title: TextKey;
  if (refusal !== null) title = 'wallet.refused';
  else if (state !== null) title = `wallet.state.${state}`;
  else if (busy || pending) title = 'wallet.state.starting';
  else title = 'wallet.scanPrompt';
  const tone = state === 'approved' ? 'ok' : failed ? 'bad' : 'wait';

  return (
    <div className="card-screen wallet-screen" data-testid="wallet-screen" data-state={refusal ? 'refused' : (state ?? (idle ? 'idle' : 'starting'))} aria-busy={busy}>
      <section className="card-main">
        <PaymentAmount title={t('wallet.title')} label={t('wallet.amount')} testId="wallet-amount">
          {money(amount, currency)}
        </PaymentAmount>
        {provider && masked && (
          <div className="card-info wallet-charging" data-testid="wallet-charging">
            {t('wallet.charging', { wallet: WALLET_NAMES[provider][language], masked })}
          </div>
        )}
        <PaymentState tone={tone} testId="wallet-message">
          {t(title)}
        </PaymentState>
        {state === 'awaiting_customer' && payment?.confirmBy && <Countdown confirmBy={payment.confirmBy} />}
        {refusal !== null && (
          <div className="card-reason" data-testid="wallet-refusal" data-code={refusal}>
            {t(`error.${refusal}`)}
          </div>
        )}
        {refusal === 'wallet.offline' && <div className="card-hint">{t('wallet.offlineHint')}</div>}
        {payment?.reason && failed && (
          <div className="card-reason" data-testid="wallet-reason" data-reason={payment.reason}>
            {t(`wallet.reason.${payment.reason}`)}
          </div>
        )}
        {idle && !typing && <div className="card-hint">{t('wallet.scanAnywhere')}</div>}
        {typing && idle ? (
          <TypedCode />
        ) : (
          <div className="card-actions">
            {failed ? (
              <>
                {refusal !== 'wallet.offline' && (
                  <TouchButton className="card-retry" data-testid="wallet-scan-again" onClick={scanAgain}>
                    {t('wallet.scanAgain')}
                  </TouchButton>
                )}
                <TouchButton className="card-retry" data-testid="wallet-to-card" onClick={() => void walletToCard()}>
                  {t('wallet.card')}
                </TouchButton>
                <TouchButton className="card-switch-cash" data-testid="wallet-to-cash" onClick={walletToCash}>
                  {t('wallet.cash')}
                </TouchButton>
              </>
            ) : idle ? (
              <>
                <TouchButton className="card-cancel" data-testid="wallet-back" onClick={closeWallet}>
                  {t('wallet.back')}
                </TouchButton>
                <TouchButton className="card-retry" data-testid="wallet-type-code" onClick={() => setTyping(true)}>
                  {t('wallet.typeCode')}
                </TouchButton>
              </>
            ) : (
              <TouchButton
                className="card-cancel"
                data-testid="wallet-cancel"
                disabled={busy || state === null || !walletCancellable(state)}
                onClick={() => void cancelWallet()}
              >
                {t('wallet.cancel')}
              </TouchButton>
            )}
          </div>
        )}
      </section>
    </div>
  );
}
