// The standard bilingual receipt: 20 text lines and a QR code. Used by the tests and by the
// receipt-encode benchmark, so both measure the same thing.
import type { ReceiptDocument } from './receipt-model';

export function sampleReceipt(): ReceiptDocument {
  return {
    blocks: [
      {
        kind: 'text',
        text: '工人体育场 Workers Stadium',
        align: 'center',
        style: { bold: true, doubleHeight: true },
      },
      { kind: 'text', text: '北区小卖部 North Stand Kiosk 3', align: 'center' },
      { kind: 'separator' },
      { kind: 'columns', left: '2 × 青岛啤酒 Tsingtao 500ml', right: '¥36.00' },
      { kind: 'columns', left: '1 × 热狗 Hot dog', right: '¥22.00' },
      { kind: 'columns', left: '3 × 矿泉水 Still water', right: '¥15.00' },
      { kind: 'columns', left: '1 × 爆米花 (大) Popcorn large', right: '¥18.00' },
      { kind: 'columns', left: '1 × 球队围巾 Team scarf', right: '¥88.00' },
      { kind: 'separator' },
      { kind: 'columns', left: '小计 Subtotal', right: '¥179.00' },
      { kind: 'columns', left: '其中增值税 13% VAT incl.', right: '¥20.59' },
      { kind: 'columns', left: '合计 TOTAL', right: '¥179.00', style: { bold: true } },
      { kind: 'columns', left: '现金 Cash', right: '¥200.00' },
      { kind: 'columns', left: '找零 Change', right: '¥21.00' },
      { kind: 'separator' },
      { kind: 'columns', left: '收据 Receipt', right: '7K3F-000142' },
      { kind: 'columns', left: '收银员 Cashier', right: 'Li Wei' },
      { kind: 'columns', left: '营业日 Business date', right: '2026-11-21' },
      { kind: 'columns', left: '时间 Time', right: '21:47:05' },
      {
        kind: 'qr',
        data: 'https://gw.example.net/r/K7Q2M4XW9TB3RZ5N8HJD6CFA',
        size: 6,
        errorCorrection: 'M',
      },
      { kind: 'text', text: '谢谢光临 Thank you, enjoy the match!', align: 'center' },
      { kind: 'cut' },
    ],
  };
}
