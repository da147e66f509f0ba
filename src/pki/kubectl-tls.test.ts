/**
 * Go's TLS stack is stricter than OpenSSL about certificates: drive real kubectl binaries through
 * our PKI and kubeconfig against a tiny HTTPS server that authenticates the client certificate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensurePki } from './index.js';
import { buildKubeconfig, writeKubeconfig } from '../cli/kubeconfig.js';
import { X509Authenticator } from '../apiserver/authn/x509.js';
import type { UserInfo } from '../apiserver/authn/types.js';

const run = promisify(execFile);
const KUBECTL_DIR = '/usr/lib/google-cloud-sdk/bin';

for (const version of ['1.33', '1.27']) {
  const kubectl = join(KUBECTL_DIR, `kubectl.${version}`);
  for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
    test(`kubectl ${version} trusts the serving certificate at ${host} and presents the admin certificate`, { skip: !existsSync(kubectl) && `${kubectl} not installed` }, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'kubeling-tls-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const pki = await ensurePki(dir, { hostname: 'node-a', ips: [] });
      const authn = new X509Authenticator(pki.ca.certPem);
      const seen: (UserInfo | undefined)[] = [];
      const server = createServer({ cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate(false);
        authn
          .authenticate({ headers: req.headers, peerCertificate: peer?.raw ? { raw: peer.raw } : undefined })
          .then((u) => {
            seen.push(u);
            res.writeHead(200, { 'content-type': 'application/json' }).end('{"paths":["/api"]}');
          })
          .catch(() => res.writeHead(401).end());
      });
      await new Promise<void>((r) => server.listen(0, host === '[::1]' ? '::1' : '127.0.0.1', r));
      t.after(() => server.close());
      const port = (server.address() as AddressInfo).port;
      const kc = join(dir, 'admin.kubeconfig');
      writeKubeconfig(kc, buildKubeconfig({ name: 'kubeling', server: `https://${host}:${port}`, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem }));
      const { stdout } = await run(kubectl, ['--kubeconfig', kc, 'get', '--raw', '/'], { timeout: 20_000 });
      assert.match(stdout, /"\/api"/);
      assert.deepEqual(seen[0], { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
    });
  }
}
