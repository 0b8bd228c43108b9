/**
 * Serves the built console (`out/renderer`) from the API server, on the same loopback origin as
 * the API: the desktop window and any browser load it from there, so no CORS is needed and the
 * Content-Security-Policy can pin `connect-src 'self'`. The security headers of every response
 * (this CSP included) are set in one place, by @fastify/helmet in server.ts.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The console's Content-Security-Policy directives (helmet's form; also a meta tag in renderer/index.html). */
export const CONSOLE_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
} as const satisfies Record<string, readonly string[]>;

/** The same policy as one header value. */
export const CONSOLE_CSP = Object.entries(CONSOLE_CSP_DIRECTIVES)
  .map(([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values.join(' ')}`)
  .join('; ');

/**
 * Registers the static console at `/`. Source maps are never served (the production build
 * writes none; a stray `.map` file answers 404 all the same).
 */
export async function registerConsole(app: FastifyInstance, rendererDir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: rendererDir,
    prefix: '/',
    allowedPath: (pathName) => !pathName.endsWith('.map'),
  });
}
