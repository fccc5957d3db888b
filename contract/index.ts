export * from './api';
export * from './money';
export * from './pricing';
export * from './venue';
