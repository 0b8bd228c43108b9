/**
 * Global zod settings for the renderer, imported first by main.tsx. `jitless` stops zod from
 * probing `new Function` (its fast path), which the renderer's CSP (no 'unsafe-eval') forbids
 * and Chromium would log as a CSP violation even though zod catches the error.
 */
import { z } from 'zod';

z.config({ jitless: true });
