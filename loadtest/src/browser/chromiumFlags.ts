/**
 * Flags of headless Chromium (Debian's /usr/bin/chromium) for pages that join meetings: a fake
 * camera and microphone without a permission prompt, host ICE candidates on loopback without
 * mDNS, autoplay with sound, no GPU and no QUIC. Used by the load tester's browser clients and
 * by the browser tests (test/support/browser.ts).
 */
export const CHROMIUM_MEDIA_FLAGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];
