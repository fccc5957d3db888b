import { describe, expect, it, vi } from 'vitest';
import { CatalogBody, PosError, commandNames, type CatalogDto, type SaleDto } from '../contract/api';
import { dispatch, isCommandName, type Handlers } from './dispatch';

const sale = { saleId: 's1' } as unknown as SaleDto;

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const base: Handlers = {
    'catalog.list': vi.fn(
      (): CatalogDto => ({
        ...CatalogBody.parse({ categories: [], products: [], taxRates: [] }),
        currency: 'CNY',
        availability: { soldOut: [], stoppedTags: [], stopSaleVersion: 0, stopSaleAppliedAt: null },
        priceLevelId: null,
      }),
    ),
    'shift.current': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'shift.open': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'shift.cashMovement': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'drawer.noSale': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'report.x': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'shift.count': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'shift.close': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'day.close': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'report.get': vi.fn(() => null),
    'report.overrides': vi.fn(() => []),
    'sale.void': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'staff.list': vi.fn(() => []),
    'sale.overridePrice': vi.fn(() => sale),
    'staff.touch': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'staff.login': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'staff.logout': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'staff.lock': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'staff.session': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'catalog.setSoldOut': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'sale.get': vi.fn(() => sale),
    'sale.addItem': vi.fn(() => sale),
    'sale.returnDeposit': vi.fn(() => sale),
    'sale.setDiscount': vi.fn(() => sale),
    'sale.setQuantity': vi.fn(() => sale),
    'sale.removeLine': vi.fn(() => sale),
    'sale.clear': vi.fn(() => sale),
    'payment.payCash': vi.fn(() => sale),
    'sale.complete': vi.fn(() => {
      throw new PosError('sale.not_paid', 'take payment first');
    }),
    'terminal.getStatus': vi.fn(() => {
      throw new Error('status exploded');
    }),
    'sync.setForcedOffline': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'printer.getStatus': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'printer.reprintLast': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'printer.testPrint': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'printer.lastReceipt': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'payment.startCard': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'payment.cancelCard': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'payment.getCard': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'payment.resolveRecovered': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'payment.listRecovered': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'reader.selectTestCard': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'sale.findByReceipt': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'refund.create': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'reader.getStatus': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'payment.startWallet': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'payment.cancelWallet': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'payment.listRecoveredWallets': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'payment.resolveRecoveredWallet': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'scanner.getStatus': vi.fn(() => {
      throw new Error('not in this test');
    }),
    'scanner.simulateScan': vi.fn(() => {
      throw new Error('not in this test');
    }),
  };
  return { ...base, ...overrides };
}

describe('dispatch', () => {
  it.each(['sale.explode', 'SALE.GET', '', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 42, null, undefined, {}, ['sale.get']])(
    'answers unknown_command for %o',
    async (method) => {
      const h = handlers();
      const reply = await dispatch(h, method, {});
      expect(reply).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
      for (const fn of Object.values(h)) expect(fn).not.toHaveBeenCalled();
    },
  );

  it('knows exactly the contract commands', () => {
    for (const name of commandNames) expect(isCommandName(name)).toBe(true);
    expect(isCommandName('toString')).toBe(false);
    expect(commandNames).toHaveLength(50);
  });

  it('passes the parsed input to the handler and wraps its value', async () => {
    const h = handlers();
    const reply = await dispatch(h, 'sale.addItem', { productId: 'hot-dog', quantity: 2 });
    expect(reply).toEqual({ ok: true, value: sale });
    expect(h['sale.addItem']).toHaveBeenCalledWith({ productId: 'hot-dog', quantity: 2 });
  });

  it('treats a missing input as {} for commands without input', async () => {
    const h = handlers();
    expect(await dispatch(h, 'sale.get', undefined)).toEqual({ ok: true, value: sale });
  });

  it('refuses null as input (it is not an object), like any other non-object', async () => {
    const h = handlers();
    expect(await dispatch(h, 'sale.clear', null)).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(h['sale.clear']).not.toHaveBeenCalled();
  });

  it('awaits async handlers', async () => {
    const h = handlers({ 'sale.get': () => Promise.resolve(sale) });
    expect(await dispatch(h, 'sale.get', {})).toEqual({ ok: true, value: sale });
  });

  it("turns a PosError into its code and message", async () => {
    expect(await dispatch(handlers(), 'sale.complete', {})).toEqual({
      ok: false,
      error: { code: 'sale.not_paid', message: 'take payment first' },
    });
    const rejecting = handlers({ 'sale.get': () => Promise.reject(new PosError('sale.empty', 'nothing here')) });
    expect(await dispatch(rejecting, 'sale.get', {})).toEqual({ ok: false, error: { code: 'sale.empty', message: 'nothing here' } });
  });

  it('turns any other exception into internal, naming the command', async () => {
    const reply = await dispatch(handlers(), 'terminal.getStatus', {});
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: 'terminal.getStatus failed: status exploded' } });
    const rejecting = handlers({ 'catalog.list': () => Promise.reject(new TypeError('boom')) });
    expect(await dispatch(rejecting, 'catalog.list', {})).toMatchObject({
      ok: false,
      error: { code: 'internal', message: expect.stringContaining('boom') as unknown },
    });
  });

  it.each([
    ['sale.addItem', { productId: 5 }, 'productId'],
    ['sale.addItem', { productId: 'hot-dog', quantity: 0 }, 'quantity'],
    ['sale.addItem', { productId: 'hot-dog', quantity: 1.5 }, 'quantity'],
    ['sale.setQuantity', { lineId: 'l1' }, 'quantity'],
    ['sale.removeLine', { lineId: '' }, 'lineId'],
    ['payment.payCash', { tendered: -1 }, 'tendered'],
    ['payment.payCash', { tendered: '50' }, 'tendered'],
  ] as const)('names the offending field: %s %o → %s', async (method, input, field) => {
    const h = handlers();
    const reply = await dispatch(h, method, input);
    expect(reply).toMatchObject({ ok: false, error: { code: 'validation' } });
    if (reply.ok) return;
    expect(reply.error.message.startsWith(`${method}: `)).toBe(true);
    expect(reply.error.message).toContain(`${field}:`);
    expect(h[method]).not.toHaveBeenCalled();
  });

  it('names an unexpected key', async () => {
    const reply = await dispatch(handlers(), 'sale.get', { sneaky: true });
    expect(reply).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringContaining('sneaky') as unknown } });
  });
});
