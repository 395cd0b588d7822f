// Debian's Chromium, driven by puppeteer-core with JavaScript disabled, signing in through
// `jwtctl serve`'s login page: a user's button, the silent second sign-in by session cookie,
// the free sub with a claims box, a refused claims box, and Deny. The app's callback is
// answered here (request interception), so nothing but the issuer is ever contacted; every
// URL the browser asked for is reported. Prints one JSON object.
//   node login_browser.mjs ISSUER CODE_CHALLENGE [SCREENSHOT.png]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

const [issuer, challenge, screenshot] = process.argv.slice(2);
const CB = 'http://127.0.0.1:9/cb';
const profile = mkdtempSync(join(tmpdir(), 'jwtctl-chromium-'));
const browser = await puppeteer.launch({
  executablePath: process.env.JWTCTL_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  userDataDir: profile,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
  ],
});
const out = { requests: [], callbacks: [] };
try {
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(false);
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    out.requests.push(req.url());
    if (req.url().startsWith(CB)) {
      out.callbacks.push(req.url());
      req.respond({ status: 200, contentType: 'text/html', body: '<title>app</title><p>back in the app</p>' });
    } else {
      req.continue();
    }
  });
  const authorize = (state, extra = '') =>
    `${issuer}/authorize?response_type=code&client_id=web&redirect_uri=${encodeURIComponent(CB)}` +
    `&scope=openid%20profile%20email&state=${state}&nonce=n-${state}&code_challenge=${challenge}` +
    `&code_challenge_method=S256${extra}`;
  const submit = (selector) => Promise.all([page.waitForNavigation(), page.click(selector)]);

  await page.goto(authorize('s1'));
  out.title = await page.title();
  out.users = await page.$$eval('button[name=user]', (bs) => bs.map((b) => [b.value, b.innerText]));
  out.heading = await page.$eval('main', (m) => m.innerText);
  out.scripts = await page.$$eval('script', (s) => s.length);
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  await submit('button[value=alice]');

  await page.goto(authorize('s2'));
  out.silent_title = await page.title();

  await page.goto(authorize('s3', '&prompt=login'));
  await page.type('#sub', 'carol');
  await page.type('#claims', '{"email": "carol@example.com", "name": "Carol <C>"}');
  await submit('button[value=sign_in]');

  await page.goto(authorize('s4', '&prompt=login'));
  await page.type('#sub', 'dave');
  await page.type('#claims', '{not json');
  await submit('button[value=sign_in]');
  out.claims_error = await page.$eval('.error', (e) => e.innerText).catch(() => null);
  await submit('button[value=deny]');
  out.cookies = (await browser.cookies()).map((c) => ({
    name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite,
  }));
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
