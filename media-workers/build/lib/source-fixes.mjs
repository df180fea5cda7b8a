// Fixes to mediasoup's worker sources that building against Debian's libraries
// needs. They are applied to the build's copy of worker/ (the npm package stays
// untouched). Each fix must match exactly once, or already be present (a newer
// mediasoup that carries it); anything else stops the build, because it means a
// mediasoup version this recipe was not checked against.
//
// Changing this list changes what a built binary contains: bump BUILD_RECIPE in
// worker-cache.mjs so that binaries cached by the old recipe are not reused.
import fs from 'node:fs';
import path from 'node:path';
import { ProvisionError } from './log.mjs';

/**
 * @typedef {{id: string, file: string, find: RegExp, replace: string, fixed: RegExp, why: string}} SourceFix
 */

/** @type {SourceFix[]} */
export const SOURCE_FIXES = [
  {
    // mediasoup's callback on the outgoing memory BIO (onSslBioOut) returns 1
    // for every "after" callback except a bare BIO_CB_RETURN, which OpenSSL
    // never passes (it passes BIO_CB_RETURN | BIO_CB_CTRL, | BIO_CB_WRITE...).
    // So every BIO_ctrl() on that BIO answers 1, among them
    // BIO_get_ktls_send(). Debian's OpenSSL 3.0 is built with kernel TLS
    // (mediasoup's bundled OpenSSL is not: there BIO_get_ktls_send() is the
    // constant 0 and the bug is latent). libssl then believes the BIO sends
    // through kTLS, does not allocate its record write buffer
    // (ssl3_setup_write_buffer) and writes the first DTLS record header to
    // address 0: SIGSEGV in SSL_read (server, on the ClientHello) or
    // SSL_do_handshake (client, on its ClientHello). Returning OpenSSL's own
    // result for every "after" callback gives the memory BIO's real answers.
    id: 'dtls-bio-callback-return',
    file: 'src/RTC/DtlsTransport.cpp',
    find: /\(operationType == BIO_CB_RETURN\) \? static_cast<long>\(ret\) : 1;/g,
    replace: '(operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1;',
    // Ours, or mediasoup's own form of the same fix (3.2x and later).
    fixed: /\(\(?operationType & BIO_CB_RETURN\)( != 0\))? \? static_cast<long>\(ret\) : 1;/,
    why: "onSslBioOut must pass through OpenSSL's result of BIO_ctrl (Debian's libssl has kTLS)",
  },
];

/**
 * Applies SOURCE_FIXES to the worker sources in `workerDir` (a copy).
 * @param {string} workerDir @param {SourceFix[]} [fixes]
 * @returns {string[]} one line per fix: applied or already present
 */
export function applySourceFixes(workerDir, fixes = SOURCE_FIXES) {
  const report = [];
  for (const fix of fixes) {
    const file = path.join(workerDir, fix.file);
    const src = fs.readFileSync(file, 'utf8');
    const matches = src.match(fix.find)?.length ?? 0;
    if (matches === 1) {
      fs.writeFileSync(file, src.replace(fix.find, fix.replace));
      report.push(`${fix.id} (applied)`);
    } else if (matches === 0 && fix.fixed.test(src)) {
      report.push(`${fix.id} (already in mediasoup)`);
    } else {
      throw new ProvisionError(
        `source fix "${fix.id}" does not fit ${fix.file} of this mediasoup (${matches} matches): ${fix.why}.`,
        [
          'media-workers/build/lib/source-fixes.mjs was checked against mediasoup 3.19.3 and 3.32.2; review it for this version.',
        ],
      );
    }
  }
  return report;
}
