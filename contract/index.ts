export * from './api';
export * from './money';
export * from './pricing';
