import { cardStore, initialCardState } from '../state/card';
import { catalogStore, initialCatalogState } from '../state/catalog';
import { discountStore, initialDiscountState } from '../state/discount';
import { entryStore, initialEntryState } from '../state/entry';
import { initialMenuState, menuStore } from '../state/menu';
import { initialPrinterState, printerStore } from '../state/printer';
import { initialPriceState, priceStore } from '../state/price';
import { initialRefundState, refundStore } from '../state/refund';
import { initialSaleState, saleStore } from '../state/sale';
import { initialSessionState, sessionStore } from '../state/session';
import { initialShiftState, shiftStore } from '../state/shift';
import { initialStatusState, statusStore } from '../state/status';
import { cancelSupervisor, initialSupervisorState, supervisorStore } from '../state/supervisor';
import { dismissError, initialUiState, uiStore } from '../state/ui';
import { initialWalletState, walletStore } from '../state/wallet';

export function resetStores(): void {
  dismissError();
  cardStore.setState(initialCardState, true);
  catalogStore.setState(initialCatalogState, true);
  entryStore.setState(initialEntryState, true);
  menuStore.setState(initialMenuState, true);
  discountStore.setState(initialDiscountState, true);
  saleStore.setState(initialSaleState, true);
  printerStore.setState(initialPrinterState, true);
  priceStore.setState(initialPriceState, true);
  refundStore.setState(initialRefundState, true);
  walletStore.setState(initialWalletState, true);
  statusStore.setState(initialStatusState, true);
  uiStore.setState(initialUiState, true);
  cancelSupervisor();
  supervisorStore.setState(initialSupervisorState, true);
  sessionStore.setState(initialSessionState, true);
  shiftStore.setState(initialShiftState, true);
}
