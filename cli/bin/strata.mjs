#!/usr/bin/env node
// Runs the TypeScript sources directly, so `npx strata …` works from a checkout without a build step.
import { register } from 'tsx/esm/api';

register();
const { runProcess } = await import('../main.ts');
await runProcess();
