// First load and live updates. Subscriptions come first so nothing that happens while the three
// reads are in flight is missed.
import { pos } from '../pos';
import { loadRecovered, onPaymentUpdated, resumeCard, setReaderStatus } from './card';
import { loadCatalog, setCatalog } from './catalog';
import { setPrinterStatus } from './printer';
import { loadSale, setSale } from './sale';
import { loadStatus, setStatus } from './status';
import { setLanguage } from './ui';

export async function startApp(): Promise<() => void> {
  const api = pos();
  const offSale = api.on('sale.updated', setSale);
  const offStatus = api.on('terminal.status', setStatus);
  const offCatalog = api.on('catalog.updated', setCatalog);
  const offPrinter = api.on('printer.status', setPrinterStatus);
  const offPayment = api.on('payment.updated', onPaymentUpdated);
  const offReader = api.on('reader.status', setReaderStatus);
  const [status] = await Promise.all([loadStatus(), loadCatalog(), loadSale(), loadRecovered()]);
  if (status) setLanguage(status.defaultLocale);
  resumeCard();
  return () => {
    offSale();
    offStatus();
    offCatalog();
    offPrinter();
    offPayment();
    offReader();
  };
}
