#!/usr/bin/env node
// `npx pos` / an installed `pos`: the CLI is TypeScript, so register tsx's loader first.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
