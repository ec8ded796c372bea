import { config } from '../harness.mjs';

const PAGES = [
  ['overview', '/'],
  ['transactions', '/transactions/'],
  ['reconciliation', '/reconciliation/'],
  ['sync', '/sync/'],
  ['settings-users', '/settings/'],
  ['settings-tokens', '/settings/?tab=tokens'],
  ['settings-audit', '/settings/?tab=audit'],
];

export const specs = [
  {
    name: 'screenshot every page at 1280 and 1920, dark and light',
    async run(kit) {
      for (const width of [1280, 1920]) {
        const { page, errors } = await kit.signIn('admin', { viewport: { width, height: 1000 } });
        for (const theme of ['dark', 'light']) {
          await page.evaluate((t) => localStorage.setItem('psp.theme', t), theme);
          for (const [name, path] of PAGES) {
            const before = errors.length;
            await page.goto(`${config.baseUrl}${path}`);
            await page.waitForLoadState('networkidle').catch(() => undefined);
            await page.waitForFunction(
              () => !document.querySelector('[aria-busy=true], [role=status][aria-label=Loading]'),
              null,
              { timeout: 30_000 },
            );
            await page.waitForTimeout(700);
            await kit.shot(page, `${name}-${width}-${theme}`);
            // Layout: nothing makes the whole page scroll sideways; no raw error JSON on screen.
            const wider = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
            if (wider > 0) errors.push(`page is ${wider}px wider than the window`);
            // At these widths no table or chart needs its own sideways scrollbar either.
            const scrolling = await page.evaluate(() =>
              [...document.querySelectorAll('.overflow-x-auto')]
                .filter((e) => e.scrollWidth > e.clientWidth)
                .map(
                  (e) =>
                    `${e.querySelector('[data-testid]')?.getAttribute('data-testid') ?? 'a block'} (+${e.scrollWidth - e.clientWidth}px)`,
                ),
            );
            if (scrolling.length) errors.push(`scrolls sideways inside: ${scrolling.join(', ')}`);
            for (const alert of await page.getByRole('alert').allTextContents()) {
              if (/[{[]\s*"/.test(alert)) errors.push(`raw JSON in an error message: ${alert.slice(0, 120)}`);
            }
            for (let i = before; i < errors.length; i++) errors[i] = `${name}@${width}/${theme}: ${errors[i]}`;
          }
        }
        if (errors.length) throw new Error(`page problems: ${errors.join('; ')}`);
      }
    },
  },
];
