/**
 * Serves the built console (`out/renderer`) from the API server, on the same loopback origin as
 * the API: the desktop window and any browser load it from there, so no CORS is needed and the
 * Content-Security-Policy can pin `connect-src 'self'`.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The console's Content-Security-Policy (also in renderer/index.html as a meta tag). */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'";

/** Registers the static console at `/` with security headers on every non-API response. */
export async function registerConsole(app: FastifyInstance, rendererDir: string): Promise<void> {
  await app.register(fastifyStatic, { root: rendererDir, prefix: '/' });
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/api/')) return;
    reply.header('content-security-policy', CONSOLE_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });
}
