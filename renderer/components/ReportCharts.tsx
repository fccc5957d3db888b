// The supervisor's charts (issue 7) with Chart.js: sales per 15 minutes, sales by tender, top
// products. Only the parts used are registered, animations off (a counter screen, and tests).
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useMemo, useRef } from 'react';
import { toMajorNumber } from '../../contract/money';
import type { ReportDto } from '../../contract/shifts';
import { useLocalized, useT } from '../i18n/hooks';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, DoughnutController, ArcElement, Legend, Tooltip);
Chart.defaults.animation = false;
Chart.defaults.font.size = 15;

const COLORS = ['#0b3d91', '#0a7a2f', '#b45309', '#7c3aed', '#b3141b', '#0e7490', '#4a5361'];

function ChartCanvas({ config, id, label }: { config: ChartConfiguration; id: string; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = new Chart(ref.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <figure className="report-chart" data-testid={`chart-${id}`}>
      <figcaption>{label}</figcaption>
      <div className="chart-box">
        <canvas ref={ref} role="img" aria-label={label} />
      </div>
    </figure>
  );
}

export function ReportCharts({ report }: { report: ReportDto }) {
  const t = useT();
  const text = useLocalized();
  const major = (n: number) => toMajorNumber(n, report.currency);
  const quarter = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: report.byQuarterHour.map((q) => q.at),
        datasets: [{ label: t('report.sales'), data: report.byQuarterHour.map((q) => major(q.amount)), backgroundColor: COLORS[0] }],
      },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } } },
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- major depends on the report only
    [report, t],
  );
  const tenders = useMemo<ChartConfiguration>(
    () => ({
      type: 'doughnut',
      data: {
        labels: report.byTender.map((b) => t(b.tender === 'card' ? 'report.tender.card' : b.tender === 'cash' ? 'report.tender.cash' : b.tender === 'wallet' ? 'report.tender.wallet' : 'report.tender.other')),
        datasets: [{ data: report.byTender.map((b) => major(b.amount)), backgroundColor: COLORS }],
      },
      options: { maintainAspectRatio: false, plugins: { legend: { position: 'right' } } },
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- major depends on the report only
    [report, t],
  );
  const top = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: report.topProducts.map((p) => text(p.name)),
        datasets: [{ label: t('report.amount'), data: report.topProducts.map((p) => major(p.amount)), backgroundColor: COLORS[1] }],
      },
      options: { indexAxis: 'y', maintainAspectRatio: false, plugins: { legend: { display: false } } },
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- major depends on the report only
    [report, t, text],
  );
  return (
    <div className="report-charts">
      <ChartCanvas id="quarter-hours" config={quarter} label={t('report.chart.quarterHours')} />
      <ChartCanvas id="tenders" config={tenders} label={t('report.chart.tenders')} />
      <ChartCanvas id="top-products" config={top} label={t('report.chart.topProducts')} />
    </div>
  );
}
