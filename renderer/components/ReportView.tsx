import { lazy, Suspense } from 'react';
import { useStore } from 'zustand';
import type { ReportDto } from '../../contract/shifts';
import { useLocalized, useMoney, useT, type TextKey } from '../i18n/hooks';
import { catalogStore } from '../state/catalog';

// Chart.js is loaded when the first report opens: selling never waits for it.
const ReportCharts = lazy(() => import('./ReportCharts').then((m) => ({ default: m.ReportCharts })));

function Row({ label, value, id }: { label: string; value: string; id?: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={id ? `report-${id}` : undefined}>{value}</dd>
    </div>
  );
}

function dateTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** An X, shift or Z report: every figure the terminal computed, and the charts. */
export function ReportView({ report }: { report: ReportDto }) {
  const t = useT();
  const money = useMoney();
  const text = useLocalized();
  const catalog = useStore(catalogStore, (s) => s.catalog);
  const m = (n: number) => money(n, report.currency);
  const ca = (c: { count: number; amount: number }) => `${c.count} · ${m(c.amount)}`;
  const signed = (n: number | null) => (n === null ? '—' : n > 0 ? `+${m(n)}` : n < 0 ? `−${m(-n)}` : m(0));
  const categoryName = (id: string) => {
    const c = catalog?.categories.find((x) => x.id === id);
    return c ? text(c.name) : id === '' ? t('report.noCategory') : id;
  };
  const taxName = (id: string, bp: number) => {
    const r = catalog?.taxRates.find((x) => x.id === id);
    return r ? text(r.name) : `${id} ${bp / 100} %`;
  };
  const tender = (k: string): string =>
    t((k === 'cash' ? 'report.tender.cash' : k === 'card' ? 'report.tender.card' : k === 'wallet' ? 'report.tender.wallet' : 'report.tender.other') satisfies TextKey);
  return (
    <article className="report" data-testid="report" data-kind={report.kind}>
      <header className="report-header">
        <h3 data-testid="report-title">
          {report.kind === 'z'
            ? t('report.zTitle', { number: report.zNumber ?? '—' })
            : report.kind === 'shift'
              ? t('report.shiftTitle')
              : t('report.xTitle')}
        </h3>
        <span className="muted">
          {t('report.businessDate')} {report.businessDate} · {dateTime(report.from)} – {dateTime(report.to)}
          {report.cashier ? ` · ${t('report.cashier')} ${report.cashier}` : ''}
        </span>
      </header>
      {(report.unsyncedEvents > 0 || report.unforwardedCards > 0) && (
        <p className="report-warning" data-testid="report-unsynced" role="status">
          {t('report.unsynced', { events: report.unsyncedEvents, cards: report.unforwardedCards })}
        </p>
      )}
      <div className="report-columns">
        <section>
          <h4>{t('report.cash')}</h4>
          <dl className="report-facts">
            <Row label={t('report.float')} value={m(report.openingFloat)} id="float" />
            <Row label={t('report.drops')} value={ca(report.cashMovements.drops)} id="drops" />
            <Row label={t('report.paidIn')} value={ca(report.cashMovements.paidIn)} id="paid-in" />
            <Row label={t('report.paidOut')} value={ca(report.cashMovements.paidOut)} id="paid-out" />
            <Row label={t('report.cashRounding')} value={m(report.cashRounding)} />
            <Row label={t('report.expected')} value={m(report.expectedCash)} id="expected" />
            <Row label={t('report.counted')} value={report.countedCash === null ? '—' : m(report.countedCash)} id="counted" />
            <Row label={t('report.overShort')} value={signed(report.overShort)} id="over-short" />
            <Row label={t('report.noSale')} value={String(report.noSaleOpens)} id="no-sale" />
          </dl>
          <h4>{t('report.byTender')}</h4>
          <dl className="report-facts">
            {report.byTender.map((b) => (
              <Row key={b.tender} label={tender(b.tender)} value={ca(b)} id={`tender-${b.tender}`} />
            ))}
          </dl>
        </section>
        <section>
          <h4>{t('report.totals')}</h4>
          <dl className="report-facts">
            <Row label={t('report.sales')} value={ca(report.sales)} id="sales" />
            <Row label={t('report.refunds')} value={ca(report.refunds)} id="refunds" />
            <Row label={t('report.voids')} value={ca(report.voids)} id="voids" />
            <Row label={t('report.discounts')} value={ca(report.discounts)} id="discounts" />
            <Row label={t('report.comps')} value={ca(report.comps)} id="comps" />
            <Row label={t('report.deposits')} value={ca(report.deposits)} id="deposits" />
            <Row
              label={t('report.receipts')}
              value={report.firstReceiptNo === null ? '—' : `${report.firstReceiptNo} – ${report.lastReceiptNo ?? '—'}`}
              id="receipts"
            />
            {report.kind === 'z' && <Row label={t('report.grandTotal')} value={m(report.grandTotal ?? 0)} id="grand-total" />}
          </dl>
          <h4>{t('report.offlineCards')}</h4>
          <dl className="report-facts">
            <Row label={t('report.offline.stored')} value={ca(report.offlineCards.stored)} />
            <Row label={t('report.offline.forwarded')} value={ca(report.offlineCards.forwarded)} />
            <Row label={t('report.offline.refused')} value={ca(report.offlineCards.refused)} />
            <Row
              label={t('report.lateRefusals')}
              value={`${report.lateRefusals.length} · ${m(report.lateRefusals.reduce((a, r) => a + r.amount, 0))}`}
              id="late-refusals"
            />
          </dl>
        </section>
        <section>
          <h4>{t('report.byCategory')}</h4>
          <dl className="report-facts">
            {report.byCategory.map((c) => (
              <Row key={c.categoryId} label={categoryName(c.categoryId)} value={`${c.quantity} · ${m(c.amount)}`} />
            ))}
          </dl>
          <h4>{t('report.byTaxRate')}</h4>
          <table className="report-tax">
            <thead>
              <tr>
                <th />
                <th>{t('report.net')}</th>
                <th>{t('report.tax')}</th>
                <th>{t('report.gross')}</th>
              </tr>
            </thead>
            <tbody>
              {report.byTaxRate.map((r) => (
                <tr key={r.taxRateId}>
                  <th>{taxName(r.taxRateId, r.rateBp)}</th>
                  <td>{m(r.net)}</td>
                  <td>{m(r.tax)}</td>
                  <td>{m(r.gross)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <Suspense fallback={null}>
        <ReportCharts report={report} />
      </Suspense>
    </article>
  );
}
