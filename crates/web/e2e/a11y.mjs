// The accessibility audit of portal.mjs: axe-core (pinned in package-lock.json) run inside the
// page, reporting every violation of impact "serious" or "critical" with the rule, its help
// text and the elements concerned.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// The portal's Content-Security-Policy forbids inline scripts, so axe is evaluated through the
// DevTools protocol (which the policy does not govern), not added as a <script> tag.
// Every page audited: what, how many rules passed, and its minor or moderate findings (shown,
// not failing).
export const audited = [];

export async function audit(page, what) {
  await page.waitForLoadState('load');
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }));
  const minor = result.violations
    .filter((v) => v.impact !== 'serious' && v.impact !== 'critical')
    .map((v) => `${v.impact} ${v.id}`);
  audited.push({ what, passes: result.passes.length, minor });
  if (result.passes.length === 0) return [`a11y: axe checked nothing on ${what} (${page.url()})`];
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => {
      const nodes = v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ')}`);
      return `a11y ${v.impact} on ${what} (${page.url()}): ${v.id}: ${v.help}\n${nodes.join('\n')}`;
    });
}

// Presses Tab until `matches(activeElement)` holds; false after `max` presses.
export async function tabTo(page, test, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(test)) return true;
  }
  return false;
}
