import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from './http-errors.js';

/**
 * Bearer tokens, compared in constant time: each token's digest against the digest of what the
 * request gave, all of them every time (a match ends nothing early). The caller a request is
 * counted as (rate limit, concurrency, its sessions) is the token's number, never the token.
 */
export class TokenCheck {
  private readonly digests: Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.map(digest);
  }

  get required(): boolean {
    return this.digests.length > 0;
  }

  /** The caller of a request with this Authorization header; HttpError 401 when it has none valid. */
  callerOf(header: string | undefined, address: string): string {
    if (!this.required) return `address:${address}`;
    const match = /^Bearer (\S+)$/i.exec(header ?? '');
    const given = digest(match?.[1] ?? '');
    let found = -1;
    this.digests.forEach((known, index) => {
      if (timingSafeEqual(known, given) && found < 0) found = index;
    });
    if (match === null || found < 0)
      throw new HttpError(401, 'UNAUTHORIZED', 'A valid `Authorization: Bearer <token>` header is required', {
        'www-authenticate': 'Bearer',
      });
    return `token:${found}`;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
