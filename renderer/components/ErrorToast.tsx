import { useStore } from 'zustand';
import { useT } from '../i18n/hooks';
import { dismissError, uiStore } from '../state/ui';

export function ErrorToast() {
  const t = useT();
  const toast = useStore(uiStore, (s) => s.toast);
  if (!toast) return null;
  return (
    <div className="error-toast" data-testid="error-toast" data-code={toast.code} role="alert" title={toast.detail} key={toast.seq}>
      <span className="error-icon" aria-hidden="true">!</span>
      <span className="error-text">{toast.text ? t(toast.text.key, toast.text.values) : t(`error.${toast.code}`)}</span>
      <button type="button" className="error-dismiss" onClick={dismissError} aria-label={t('toast.dismiss')}>
        ✕
      </button>
    </div>
  );
}
