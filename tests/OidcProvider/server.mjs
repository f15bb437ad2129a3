// A real OpenID Connect provider (npm oidc-provider) for the SSO tests, on 127.0.0.1.
//   node server.mjs <node_modules dir> <port>
// Environment: OIDC_CLIENTS (JSON array of oidc-provider client metadata) and OIDC_USERS (JSON object: login name ->
// claims such as email, email_verified, name, groups). The built-in development sign-in form accepts any password; the
// login name picks the user. First-party clients are granted without a consent page.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [modules, port] = process.argv.slice(2);
const { default: Provider } = await import(pathToFileURL(join(modules, 'oidc-provider', 'lib', 'index.js')).href);

const clients = JSON.parse(process.env.OIDC_CLIENTS ?? '[]');
const users = JSON.parse(process.env.OIDC_USERS ?? '{}');
const scopes = ['openid', 'profile', 'email', 'groups'];

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients,
  claims: {
    openid: ['sub'],
    profile: ['name'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  scopes,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['kb-test-provider-cookie-key'] },
  async findAccount(ctx, id) {
    const claims = users[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    if (grantId) return oidc.provider.Grant.find(grantId);
    const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
    grant.addOIDCScope(scopes.join(' '));
    await grant.save();
    return grant;
  },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`oidc-provider listening on ${provider.issuer}`));
