import { z } from 'zod';

// Imported first by main.tsx, before any schema is built. zod's object parser probes for a JIT with
// `Function('')`; our CSP (script-src 'self', no 'unsafe-eval') blocks it, and every page load then raised a
// CSP violation (found by e2e/tests/xss.test.ts, which counts violations as a sign of injected markup). The
// interpreted parser is all the forms need.
z.config({ jitless: true });
