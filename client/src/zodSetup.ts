import { config } from 'zod';

// zod probes for eval (`Function('')`) when it builds an object schema, to compile a fast
// parser. The Content Security Policy has no 'unsafe-eval', so the probe would be reported as
// a violation: parse without it. This module is main.tsx's first import, so it runs before any
// schema (protocol/, the app's own) is built.
config({ jitless: true });
