import { describe, expect, it } from 'vitest';
import { appendQuantityDigit, appendTenderKey, quantityOf, tenderAmount } from './entry';

function typeAll(keys: string, append: (cur: string, k: string) => string): string {
  return [...keys].reduce(append, '');
}

describe('quantity prefix', () => {
  it('ignores leading zeros and stops at the largest sellable quantity', () => {
    expect(typeAll('007', appendQuantityDigit)).toBe('7');
    expect(typeAll('12345', appendQuantityDigit)).toBe('123');
    expect(quantityOf(typeAll('999', appendQuantityDigit))).toBe(999);
  });
  it('means one when nothing was typed', () => {
    expect(quantityOf('')).toBe(1);
  });
});

describe('cash amount typing', () => {
  const cny = (keys: string) => typeAll(keys, (c, k) => appendTenderKey(c, k, 'CNY'));
  it('reads major units with at most the currency decimals', () => {
    expect(cny('50')).toBe('50');
    expect(tenderAmount(cny('50'), 'CNY')).toBe(5000);
    expect(cny('12.345')).toBe('12.34');
    expect(tenderAmount(cny('12.345'), 'CNY')).toBe(1234);
    expect(cny('.5')).toBe('0.5');
    expect(tenderAmount(cny('.5'), 'CNY')).toBe(50);
    expect(cny('1..2')).toBe('1.2');
  });
  it('has no decimal point for currencies without minor units', () => {
    const jpy = typeAll('10.5', (c, k) => appendTenderKey(c, k, 'JPY'));
    expect(jpy).toBe('105');
    expect(tenderAmount(jpy, 'JPY')).toBe(105);
  });
  it('treats nothing or zero as no amount (so Enter means the exact amount)', () => {
    expect(tenderAmount('', 'CNY')).toBeNull();
    expect(tenderAmount(cny('0.'), 'CNY')).toBeNull();
    expect(tenderAmount(cny('00'), 'CNY')).toBeNull();
  });
});
