// Authentication and TLS against real registries: docker-registry behind
// htpasswd (Basic), docker-registry with its token auth and a token server
// written here (Bearer JWTs per repository scope), and docker-registry
// serving HTTPS with a self-signed certificate. login/logout and the auth
// files podman uses; credentials, tokens and CAs as the test user.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { buildBusyboxImage, busyboxRootfsEntries, writeTar, type OciImage } from '../harness/images.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import { storePool } from '../harness/fixtures.js';
import type { Sandbox } from '../harness/sandbox.js';
import { makeServerCert } from '../harness/tls.js';
import { startTokenServer, type TokenServer } from '../harness/token-server.js';
import { isRoot } from '../harness/user.js';

const USER = 'alice';
const PASSWORD = 's3cret:with-colon';
let bb: OciImage;
const stores = storePool('auth');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-auth-'));

const sandbox = (name: string, as: 'user' | 'root' = 'user'): Promise<Sandbox> => stores.empty(name, as);

function writeOwned(sb: Sandbox, file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  sb.chown(path.dirname(file));
  sb.chown(file);
}

beforeAll(async () => {
  bb = await buildBusyboxImage({ extraLayers: [[{ name: 'secret.txt', content: 'behind a login\n' }]] });
});
afterAll(async () => {
  await stores.dispose();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('htpasswd (Basic) registry', () => {
  let reg: Registry;
  beforeAll(async () => {
    reg = await startRegistry({ auth: { user: USER, password: PASSWORD } });
    await pushImage(reg, 'private/bb', 'latest', bb);
  });
  afterAll(async () => reg.stop());

  it('login checks the password, writes auth.json where podman does, and pull/push use it until logout', async () => {
    const sb = await sandbox('basic');
    const ref = `${reg.host}/private/bb:latest`;
    const anon = await tscRun(['pull', '--tls-verify=false', ref], { sandbox: sb });
    expect(anon.exitCode).toBe(125);
    expect(anon.stderr).toContain(`Error: initializing source docker://${ref}: reading manifest latest in ${reg.host}/private/bb: unauthorized: authentication required\n`);

    const authFile = path.join(sb.xdgRuntime, 'containers', 'auth.json');
    const bad = await tscRun(['login', '--tls-verify=false', '-u', USER, '-p', 'wrong', reg.host], { sandbox: sb });
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toBe(`Error: logging into "${reg.host}": invalid username/password\n`);
    expect(fs.existsSync(authFile)).toBe(false);

    const ok = await tscRun(['login', '--tls-verify=false', '-u', USER, '--password-stdin', reg.host], { sandbox: sb, input: PASSWORD + '\n' });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('Login Succeeded!\n');
    expect(fs.statSync(authFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(authFile, 'utf8'))).toEqual({ auths: { [reg.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } });
    expect((await tscRun(['login', '--get-login', reg.host], { sandbox: sb })).stdout).toBe(`${USER}\n`);

    const pulled = await tscRun(['pull', '-q', '--tls-verify=false', ref], { sandbox: sb });
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(pulled.stdout).toBe(`${bb.configDigest.slice(7)}\n`);
    const pushed = await tscRun(['push', '-q', '--tls-verify=false', ref, `${reg.host}/private/copy:1`], { sandbox: sb });
    expect(pushed.exitCode, pushed.stderr).toBe(0);

    const out = await tscRun(['logout', reg.host], { sandbox: sb });
    expect(out.stdout).toBe(`Removed login credentials for ${reg.host}\n`);
    const again = await tscRun(['logout', reg.host], { sandbox: sb });
    expect(again.exitCode).toBe(125);
    expect(again.stderr).toBe(`Error: not logged into ${reg.host}\n`);
    const after = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/private/copy:1`], { sandbox: sb });
    expect(after.exitCode).toBe(125);
    expect(after.stderr).toContain('unauthorized: authentication required');
  });

  it('--authfile, REGISTRY_AUTH_FILE, Docker config.json and --creds', async () => {
    const sb = await sandbox('files');
    const ref = `${reg.host}/private/bb:latest`;
    const custom = path.join(sb.dir, 'my-auth.json');
    const login = await tscRun(['login', '--tls-verify=false', '--authfile', custom, '-u', USER, '-p', PASSWORD, reg.host], { sandbox: sb });
    expect(login.exitCode, login.stderr).toBe(0);
    expect(fs.existsSync(path.join(sb.xdgRuntime, 'containers', 'auth.json'))).toBe(false);
    expect((await tscRun(['pull', '-q', '--tls-verify=false', '--authfile', custom, ref], { sandbox: sb })).exitCode).toBe(0);
    const viaEnv = await tscRun(['pull', '-q', '--tls-verify=false', ref], { sandbox: sb, env: { REGISTRY_AUTH_FILE: custom } });
    expect(viaEnv.exitCode, viaEnv.stderr).toBe(0);

    const docker = await sandbox('docker-config');
    const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    writeOwned(docker, path.join(docker.home, '.docker', 'config.json'), JSON.stringify({ auths: { [`https://${reg.host}/v1/`]: { auth } } }));
    const viaDocker = await tscRun(['pull', '-q', '--tls-verify=false', ref], { sandbox: docker });
    expect(viaDocker.exitCode, viaDocker.stderr).toBe(0);
    const out = await tscRun(['logout', reg.host], { sandbox: docker });
    expect(out.exitCode).toBe(125);
    expect(out.stderr).toContain('Existing credentials were established via docker login');

    const creds = await sandbox('creds');
    expect((await tscRun(['pull', '-q', '--tls-verify=false', '--creds', `${USER}:${PASSWORD}`, ref], { sandbox: creds })).exitCode).toBe(0);
    const wrong = await tscRun(['pull', '-q', '--tls-verify=false', '--creds', `${USER}:nope`, ref], { sandbox: creds });
    expect(wrong.exitCode).toBe(125);
    expect(wrong.stderr).toContain('unauthorized');
  });

  it.runIf(isRoot())('logs in and pulls as root', async () => {
    const sb = await sandbox('root', 'root');
    await tscRunOk(['login', '--tls-verify=false', '-u', USER, '-p', PASSWORD, reg.host], { sandbox: sb });
    expect(fs.existsSync(path.join(sb.xdgRuntime, 'containers', 'auth.json'))).toBe(true);
    const r = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/private/bb:latest`], { sandbox: sb });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});

describe('token (Bearer) registry', () => {
  let tokens: TokenServer;
  let reg: Registry;
  beforeAll(async () => {
    tokens = await startTokenServer({ dir: path.join(scratch, 'token'), users: { [USER]: PASSWORD } });
    reg = await startRegistry({ token: tokens });
  });
  afterAll(async () => {
    await reg.stop();
    await tokens.stop();
  });

  it('logs in through the token server, pushes and pulls with tokens scoped per repository, reusing them', async () => {
    const sb = await sandbox('token');
    const tar = path.join(sb.dir, 'rootfs.tar');
    fs.writeFileSync(tar, await writeTar(busyboxRootfsEntries({ extra: [{ name: 'token.txt', content: 'via bearer tokens\n' }] })));
    sb.chown(tar);
    await tscRunOk(['import', '-q', tar, 'app:1'], { sandbox: sb });

    const bad = await tscRun(['login', '--tls-verify=false', '-u', USER, '-p', 'wrong', reg.host], { sandbox: sb });
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toBe(`Error: logging into "${reg.host}": invalid username/password\n`);
    const login = await tscRun(['login', '--tls-verify=false', '-u', USER, '-p', PASSWORD, reg.host], { sandbox: sb });
    expect(login.exitCode, login.stderr).toBe(0);
    expect(tokens.requests.at(-1)).toMatchObject({ account: USER, status: 200 });

    let mark = tokens.requests.length;
    const push = await tscRun(['push', '-q', '--tls-verify=false', 'app:1', `${reg.host}/tok/app:1`], { sandbox: sb });
    expect(push.exitCode, push.stderr).toBe(0);
    // One token, scoped to the repository, for every HEAD, upload and the manifest.
    expect(tokens.requests.slice(mark).map((r) => r.scopes)).toEqual([['repository:tok/app:pull,push']]);

    const other = await sandbox('token-pull');
    const anon = await tscRun(['pull', '--tls-verify=false', `${reg.host}/tok/app:1`], { sandbox: other });
    expect(anon.exitCode).toBe(125);
    expect(anon.stderr).toContain('unauthorized');
    await tscRunOk(['login', '--tls-verify=false', '-u', USER, '-p', PASSWORD, reg.host], { sandbox: other });
    mark = tokens.requests.length;
    const pull = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/tok/app:1`], { sandbox: other });
    expect(pull.exitCode, pull.stderr).toBe(0);
    // One token for manifest, config and layer alike.
    expect(tokens.requests.slice(mark).map((r) => r.scopes)).toEqual([['repository:tok/app:pull']]);
    const run = await tscRun(['run', '--rm', `${reg.host}/tok/app:1`, 'cat', '/token.txt'], { sandbox: other });
    expect(run.stdout).toBe('via bearer tokens\n');
  });

  it('fetches a new token when the registry refuses an expired one', async () => {
    const sb = await sandbox('token-expired');
    await tscRunOk(['login', '--tls-verify=false', '-u', USER, '-p', PASSWORD, reg.host], { sandbox: sb });
    tokens.expireNext(1);
    const mark = tokens.requests.length;
    const pull = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/tok/app:1`], { sandbox: sb });
    expect(pull.exitCode, pull.stderr).toBe(0);
    expect(tokens.requests.length - mark).toBe(2);
  });
});

describe('TLS registry', () => {
  let reg: Registry;
  let certDir: string;
  beforeAll(async () => {
    const cert = makeServerCert(path.join(scratch, 'tls'));
    certDir = path.join(scratch, 'certs');
    fs.mkdirSync(certDir);
    fs.copyFileSync(cert.certFile, path.join(certDir, 'ca.crt'));
    fs.chmodSync(scratch, 0o755);
    reg = await startRegistry({ tls: cert });
  });
  afterAll(async () => reg.stop());

  it('refuses an unknown CA, trusts --cert-dir and certs.d, and skips verification with --tls-verify=false', async () => {
    const sb = await sandbox('tls');
    const tar = path.join(sb.dir, 'rootfs.tar');
    fs.writeFileSync(tar, await writeTar(busyboxRootfsEntries()));
    sb.chown(tar);
    await tscRunOk(['import', '-q', tar, 'app:1'], { sandbox: sb });
    const untrusted = await tscRun(['push', 'app:1', `${reg.host}/tls/app:1`], { sandbox: sb });
    expect(untrusted.exitCode).toBe(125);
    expect(untrusted.stderr).toMatch(new RegExp(`^Error: .*pinging container registry ${reg.host.replace(/\./g, '\\.')}: Get "https://${reg.host.replace(/\./g, '\\.')}/v2/": tls: failed to verify certificate: self[- ]signed certificate`));
    const trusted = await tscRun(['push', '-q', '--cert-dir', certDir, 'app:1', `${reg.host}/tls/app:1`], { sandbox: sb });
    expect(trusted.exitCode, trusted.stderr).toBe(0);

    const other = await sandbox('tls-pull');
    const insecure = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/tls/app:1`], { sandbox: other });
    expect(insecure.exitCode, insecure.stderr).toBe(0);
    const viaCertsD = await sandbox('tls-certsd');
    writeOwned(viaCertsD, path.join(viaCertsD.home, '.config', 'containers', 'certs.d', reg.host, 'ca.crt'), fs.readFileSync(path.join(certDir, 'ca.crt'), 'utf8'));
    viaCertsD.chown(path.join(viaCertsD.home, '.config'));
    viaCertsD.chown(path.join(viaCertsD.home, '.config', 'containers'));
    viaCertsD.chown(path.join(viaCertsD.home, '.config', 'containers', 'certs.d'));
    const r = await tscRun(['pull', '-q', `${reg.host}/tls/app:1`], { sandbox: viaCertsD });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});
