import { useT } from '../i18n/hooks';
import { MAX_PIN, MIN_PIN, type PinProblem } from '../state/pin';
import { TouchButton } from './TouchButton';
import { usePadKeys } from './use-pad-keys';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

export interface PinPadProps {
  pin: string;
  problem: PinProblem | null;
  busy: boolean;
  /** Prefix for data-testid: `${id}-key-5`, `${id}-ok`, … */
  id: string;
  onDigit: (digit: string) => void;
  onBackspace: () => void;
  onClear: () => void;
  onOk: () => void;
  /** Esc: cancel the prompt (default: clear what is typed). */
  onEscape?: () => void;
  /** Another condition for OK (a person picked). */
  ready?: boolean;
}

/** HH:MM:SS on the counter's clock. */
function clock(iso: string): string {
  const d = new Date(iso);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** The reason a PIN was refused, as the person at the pad needs it. */
export function PinProblemLine({ problem, id }: { problem: PinProblem | null; id: string }) {
  const t = useT();
  if (!problem) return null;
  const text =
    problem.code === 'auth.locked_out'
      ? problem.until
        ? t('pin.lockedUntil', { time: clock(problem.until) })
        : t('error.auth.locked_out')
      : problem.code === 'auth.bad_pin'
        ? problem.triesLeft !== null
          ? t('pin.triesLeft', { count: problem.triesLeft })
          : t('error.auth.bad_pin')
        : problem.code === 'auth.supervisor_required'
          ? t('pin.notSupervisor')
          : t('error.auth.bad_pin');
  return (
    <div className="pin-problem" role="alert" data-testid={`${id}-problem`} data-code={problem.code} title={problem.detail}>
      {text}
    </div>
  );
}

/**
 * A big PIN pad: digits, clear, OK; the PIN shows as dots. While it is on screen it takes the
 * keyboard too (digits, Backspace, Enter, Esc), before anything behind it sees the keys.
 */
export function PinPad(props: PinPadProps) {
  const t = useT();
  usePadKeys({
    digit: props.onDigit,
    backspace: props.onBackspace,
    escape: props.onEscape ?? props.onClear,
    // With a PIN typed Enter means OK, wherever focus is (a picked tile keeps focus).
    enter: props.pin.length >= MIN_PIN ? props.onOk : null,
  });
  const okDisabled = props.busy || props.pin.length < MIN_PIN || props.ready === false;
  return (
    <div className="pin-pad" data-testid={`${props.id}-pad`}>
      <output className="pin-dots" data-testid={`${props.id}-dots`} aria-label={t('pin.entered', { count: props.pin.length })}>
        {Array.from({ length: MAX_PIN }, (_, i) => (
          <span key={i} className={i < props.pin.length ? 'pin-dot filled' : 'pin-dot'} aria-hidden="true" />
        ))}
      </output>
      <PinProblemLine problem={props.problem} id={props.id} />
      <div className="pin-keys">
        {DIGITS.map((d) => (
          <TouchButton key={d} className="key" data-testid={`${props.id}-key-${d}`} onClick={() => props.onDigit(d)}>
            {d}
          </TouchButton>
        ))}
        <TouchButton className="key key-fn" data-testid={`${props.id}-clear`} onClick={props.onClear}>
          {t('pin.clear')}
        </TouchButton>
        <TouchButton className="key" data-testid={`${props.id}-key-0`} onClick={() => props.onDigit('0')}>
          0
        </TouchButton>
        <TouchButton className="key key-ok" data-testid={`${props.id}-ok`} disabled={okDisabled} onClick={props.onOk}>
          {t('pin.ok')}
        </TouchButton>
      </div>
    </div>
  );
}
