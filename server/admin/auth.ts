import type { NextFunction, Request, Response } from 'express';
import { sameSecret } from '../domain/accounts.js';

/**
 * The admin token (config `adminToken`): the JSON API and the page both take `Authorization: Bearer <token>`
 * or HTTP Basic with the token as the password (any user name), which a browser asks for on the page and
 * `curl -u any:<token>` sends. They differ only in the challenge of a 401. No token: open.
 */

export function presentedToken(req: Request): string | undefined {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) return bearer[1].trim();
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1].trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

export function tokenGuard(token: string | undefined, style: 'api' | 'page') {
  return (req: Request, res: Response, next: NextFunction) => {
    if (token === undefined) return next();
    const given = presentedToken(req);
    if (given !== undefined && sameSecret(token, given)) return next();
    if (style === 'api') {
      res.set('WWW-Authenticate', 'Bearer realm="ccm-mock admin"').status(401).json({
        error: 'the admin API needs Authorization: Bearer <adminToken> (or HTTP Basic with the token as the password)',
        status: 401,
      });
    } else {
      res
        .set('WWW-Authenticate', 'Basic realm="ccm-mock admin (password: the admin token)", charset="UTF-8"')
        .status(401)
        .type('text/plain')
        .send('The admin page needs the admin token as the password (any user name).\n');
    }
  };
}
