import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface SelfSigned {
  certPath: string;
  keyPath: string;
  certPem: string;
  /** Remove the files. */
  remove(): void;
}

/**
 * A fresh self-signed certificate for 127.0.0.1 and localhost, made with openssl when a test or
 * a benchmark needs TLS (nothing secret is committed). Valid for one day.
 */
export function makeSelfSignedCert(): SelfSigned {
  const dir = mkdtempSync(path.join(tmpdir(), 'arena-tls-'));
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=arena-test',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  return { certPath, keyPath, certPem: readFileSync(certPath, 'utf8'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Make this process (fetch, WebSocket, https) trust `certPem` in addition to the usual CAs. */
export function trustCertificate(certPem: string): void {
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), certPem]);
}
