import { createHmac, randomBytes } from 'node:crypto';
import { type Db } from '../../db/open';
import { getSecret, setSecret } from '../../services/settings-store';

const SECRET_KEY = 'payments.codeHashKey';

/**
 * Keyed hash of a payment code: lets the engine refuse a second submission of the same code without
 * storing the code. Keyed (per terminal) so the stored hashes cannot be brute-forced back into codes.
 */
export function createCodeHasher(db: Db, at: () => string): (code: string) => string {
  let key = getSecret(db, SECRET_KEY);
  if (!key) {
    key = randomBytes(32).toString('hex');
    setSecret(db, SECRET_KEY, key, at());
  }
  const k = Buffer.from(key, 'hex');
  return (code) => createHmac('sha256', k).update(code, 'utf8').digest('hex');
}
