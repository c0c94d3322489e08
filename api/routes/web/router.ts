import { existsSync } from 'node:fs';
import type { Middleware } from 'koa';
import { layout } from '../../../core/layout';
import type { AppDeps, AppState } from '../../deps';
import { findStaticFile, indexFile, openStaticFile } from './static-files';

/** Where `npm run build:web` writes the dashboard. */
export const defaultWebDist = layout.webDist;

// Paths that belong to the API and the registry protocols: never answered with the dashboard.
const RESERVED = /^\/(api|v1|\.well-known|healthz|readyz|oauth)(\/|$)/;

/**
 * Defence in depth behind the README sanitiser: scripts only from this origin, no inline script, no plugins,
 * no framing. README images may come from anywhere over https.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built dashboard (`web/dist`) at `/` with a fallback to `index.html` for client-side routes, so
 * deep links survive a reload. Hashed assets are cached for a year, `index.html` never. Off when
 * `config.serveWeb` is false or nothing has been built (the API works without it).
 */
export function webUi(deps: Pick<AppDeps, 'config' | 'log'>, options: { distDir?: string } = {}): Middleware<AppState> | null {
  const root = options.distDir ?? defaultWebDist;
  if (!deps.config.serveWeb) return null;
  if (!existsSync(indexFile(root))) {
    deps.log.info({ dir: root }, 'web dashboard not built (npm run build:web): serving the API only');
    return null;
  }
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || RESERVED.test(ctx.path)) return next();
    const asset = ctx.path.startsWith('/assets/');
    const file = (await findStaticFile(root, ctx.path)) ?? (asset ? null : await findStaticFile(root, '/index.html'));
    if (!file) return next();
    const isIndex = file.path === indexFile(root);
    ctx.status = 200;
    ctx.type = file.type;
    ctx.length = file.size;
    ctx.lastModified = file.mtime;
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    if (isIndex) {
      ctx.set('Cache-Control', 'no-cache');
      ctx.set('Content-Security-Policy', CSP);
      ctx.set('X-Frame-Options', 'DENY');
    } else if (asset) {
      ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    } else {
      ctx.set('Cache-Control', 'public, max-age=3600');
    }
    // HEAD: headers only (Koa ends the response without a body); opening the file would leak a descriptor.
    if (ctx.method === 'GET') ctx.body = openStaticFile(file);
  };
}
