import { useStore } from 'zustand';
import type { CardPaymentState } from '../../contract/api';
import { useMoney, useT, type TextKey } from '../i18n/hooks';
import {
  cancelCard,
  cardStore,
  closeCard,
  isAccepted,
  isCancellable,
  isFailed,
  startCard,
  switchToCash,
  tapTestCard,
} from '../state/card';
import { saleStore } from '../state/sale';
import { statusStore } from '../state/status';
import { PaymentAmount, PaymentState } from './PaymentPanel';
import { TouchButton } from './TouchButton';

type Tone = 'wait' | 'ok' | 'stored' | 'bad';

function tone(state: CardPaymentState | null): Tone {
  if (state === null) return 'wait';
  if (state === 'approved') return 'ok';
  if (state === 'stored' || state === 'forwarding') return 'stored';
  if (isFailed(state)) return 'bad';
  return 'wait';
}

/** Drawn, not emoji: a counter PC may have no colour-emoji font. */
function Icon({ tone }: { tone: Tone }) {
  const common = { width: 56, height: 56, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 2.4, strokeLinecap: 'round' as const };
  switch (tone) {
    case 'wait': // contactless waves
      return (
        <svg {...common}>
          <path d="M6 8a6 6 0 0 1 0 8" />
          <path d="M10 5.5a10 10 0 0 1 0 13" />
          <path d="M14 3a14 14 0 0 1 0 18" />
        </svg>
      );
    case 'ok':
      return (
        <svg {...common}>
          <path d="M4 12.5l5 5L20 6.5" />
        </svg>
      );
    case 'stored': // a clock: accepted, waiting to be sent
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="9" />
          <path d="M12 7v5l3.5 2" />
        </svg>
      );
    case 'bad':
      return (
        <svg {...common}>
          <path d="M6 6l12 12M18 6L6 18" />
        </svg>
      );
  }
}

function TestCardPicker() {
  const t = useT();
  const cards = useStore(statusStore, (s) => s.status?.reader.testCards);
  const selected = useStore(statusStore, (s) => s.status?.reader.testCard ?? null);
  const busy = useStore(cardStore, (s) => s.busy);
  if (!cards || cards.length === 0) return null;
  return (
    <section className="test-cards" aria-label={t('card.testCards')} data-testid="test-card-picker">
      <div className="section-label">{t('card.testCards')}</div>
      <div className="test-card-list">
        {cards.map((c) => (
          <TouchButton
            key={c.name}
            className={c.name === selected ? 'test-card selected' : 'test-card'}
            data-testid={`test-card-${c.name}`}
            title={c.description}
            disabled={busy}
            onClick={() => void tapTestCard(c.name)}
          >
            <span className="test-card-name">{c.name}</span>
            <span className="test-card-desc">{c.description}</span>
          </TouchButton>
        ))}
      </div>
    </section>
  );
}

/** The tap screen: the amount, the reader's state in big words, and what the cashier can do. */
export function CardScreen() {
  const t = useT();
  const money = useMoney();
  const payment = useStore(cardStore, (s) => s.payment);
  const amount = useStore(cardStore, (s) => s.amount);
  const busy = useStore(cardStore, (s) => s.busy);
  const currency = useStore(saleStore, (s) => s.sale?.currency ?? 'XXX');
  const simulated = useStore(statusStore, (s) => s.status?.reader.simulated ?? false);
  const state = payment?.state ?? null;
  const shownAmount = payment?.amount ?? amount ?? 0;
  const failed = state !== null && isFailed(state);
  const choosing = simulated && (state === null || failed) && !busy;

  let title: TextKey;
  if (state === null) title = busy ? 'card.state.starting' : 'card.state.reading';
  else title = `card.state.${state}`;
  let hint: string | null = null;
  if (state === 'reading' || (state === null && !busy)) hint = t('card.hint.reading');
  else if (state === 'authorizing') hint = t('card.hint.authorizing');
  else if (state === 'stored' || state === 'forwarding') hint = t('card.hint.stored');
  else if (state === 'approved') hint = t('card.hint.completing');
  const reason = payment?.reason && failed ? t(`card.reason.${payment.reason}`) : null;
  const look = tone(state);

  return (
    <div className="card-screen" data-testid="card-screen" data-state={state ?? 'none'} aria-busy={busy}>
      <section className="card-main">
        <PaymentAmount title={t('card.title')} label={t('card.amount')} testId="card-amount">
          {money(shownAmount, currency)}
        </PaymentAmount>
        <PaymentState tone={look} icon={<Icon tone={look} />} testId="card-message">
          {t(title)}
        </PaymentState>
        {reason && (
          <div className="card-reason" data-testid="card-reason" data-reason={payment?.reason ?? undefined}>
            {reason}
          </div>
        )}
        {state === 'refused_offline' && <div className="card-hint">{t('card.hint.refused_offline')}</div>}
        {hint && <div className="card-hint">{hint}</div>}
        {payment?.warning === 'offline_long' && (
          <div className="card-warning" data-testid="card-warning">
            {t('card.hint.offline_long')}
          </div>
        )}
        {payment?.card && (
          <div className="card-info" data-testid="card-info">
            {t('card.cardInfo', { brand: payment.card.label ?? payment.card.brand.toUpperCase(), last4: payment.card.last4 })}
            {payment.authCode && state !== null && isAccepted(state) && (
              <span className="card-auth"> · {t('card.authCode', { code: payment.authCode })}</span>
            )}
          </div>
        )}
        <div className="card-actions">
          {failed ? (
            <>
              <TouchButton className="card-switch-cash" data-testid="card-switch-cash" onClick={switchToCash}>
                {t('card.switchCash')}
              </TouchButton>
              {!simulated && (
                <TouchButton className="card-retry" data-testid="card-retry" onClick={() => void startCard()}>
                  {t('card.retry')}
                </TouchButton>
              )}
              <TouchButton className="card-cancel" data-testid="card-cancel" onClick={closeCard}>
                {t('card.back')}
              </TouchButton>
            </>
          ) : (
            <TouchButton
              className="card-cancel"
              data-testid="card-cancel"
              disabled={busy || (state !== null && !isCancellable(state))}
              onClick={() => void cancelCard()}
            >
              {t('card.cancel')}
            </TouchButton>
          )}
        </div>
      </section>
      {choosing && <TestCardPicker />}
    </div>
  );
}
