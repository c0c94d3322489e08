import type { Tx } from '../db/knex';
import { findUserIdBySsoSubject, linkSsoIdentity } from '../db/repos/sso-identities';
import { findUserByEmail, findUserById, insertUser, markEmailVerified, type UserRow } from '../db/repos/users';
import type { SsoClaims } from './oidc-clients';
import { SsoRefused } from './oidc-clients';

/**
 * The user an identity provider's sign-in stands for: the one linked to its subject; else the user with the same
 * email, linked now — only when the provider says it verified that email (otherwise anyone who can set an
 * unverified address at the provider could take over the account); else a new user without a password.
 */
export async function userForSsoSignIn(db: Tx, provider: string, claims: SsoClaims): Promise<{ user: UserRow; created: boolean; linked: boolean }> {
  const linkedId = await findUserIdBySsoSubject(db, provider, claims.subject);
  if (linkedId) {
    const user = await findUserById(db, linkedId);
    if (user) return { user: usable(user), created: false, linked: false };
  }
  if (!claims.email) throw new SsoRefused('sso_email_missing', 'the identity provider did not share an email address', 'email_missing');
  const existing = await findUserByEmail(db, claims.email);
  if (existing) {
    if (!claims.emailVerified) {
      throw new SsoRefused('sso_email_unverified', 'the identity provider has not verified this email address, so it cannot be linked to an account', 'email_unverified');
    }
    usable(existing);
    await linkSsoIdentity(db, provider, claims.subject, existing.id);
    await markEmailVerified(db, existing.id);
    const { password_hash: _hash, ...user } = existing;
    return { user, created: false, linked: true };
  }
  const user = await insertUser(db, { email: claims.email, name: claims.name ?? claims.email.split('@')[0]!, passwordHash: null, emailVerified: claims.emailVerified });
  await linkSsoIdentity(db, provider, claims.subject, user.id);
  return { user, created: true, linked: true };
}

function usable<T extends UserRow>(user: T): T {
  if (user.disabled_at) throw new SsoRefused('account_disabled', 'this account is disabled', 'account_disabled');
  return user;
}
