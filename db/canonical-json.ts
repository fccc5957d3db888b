// Canonical JSON lives in lib/ so the gateway hashes events exactly as the terminal writes them.
export { canonicalJson } from '../lib/canonical-json';
