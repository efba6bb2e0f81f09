import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * Accessibility checks run inside the page. axe-core is used when it is installed (a plain JS file
 * injected into the page); without it, the project's own small checks below run instead, and they run
 * in both cases: every form control has an accessible name, and text contrast meets WCAG AA.
 */
export interface A11yProblem {
  rule: string;
  target: string;
  detail: string;
}

const require = createRequire(import.meta.url);

/** axe-core's browser source when the package is installed, else undefined. */
export function axeSource(): string | undefined {
  try {
    return fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  } catch {
    return undefined;
  }
}

/** Runs axe-core (WCAG 2 A and AA rules) when available; returns its violations as problems. */
export async function runAxe(page: Page, source: string): Promise<A11yProblem[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: source });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe;
    // Two rules are about antd's own markup, not ours: the table's hidden measuring row and the tab list's overflow button.
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] }, rules: { 'aria-hidden-focus': { enabled: false }, 'aria-required-children': { enabled: false } }, resultTypes: ['violations'] });
    return result.violations.flatMap((violation) => violation.nodes.slice(0, 5).map((node) => ({ rule: violation.id, target: node.target.join(' '), detail: `${violation.help}: ${node.failureSummary ?? ''}`.slice(0, 300) })));
  });
}

/**
 * The project's own checks (no dependency): form controls without a name, and visible text whose contrast
 * against the background behind it is below 4.5:1 (3:1 for large text). Disabled controls, placeholders and
 * text over images or gradients are skipped, as WCAG does.
 */
export async function ownChecks(page: Page): Promise<A11yProblem[]> {
  return page.evaluate(() => {
    const problems: { rule: string; target: string; detail: string }[] = [];
    const describe = (element: Element) => {
      const testId = element.closest('[data-testid]')?.getAttribute('data-testid');
      const classes = typeof element.className === 'string' ? element.className.split(' ').slice(0, 2).join('.') : '';
      return `${element.tagName.toLowerCase()}${classes ? `.${classes}` : ''}${testId ? ` in [data-testid=${testId}]` : ''}`;
    };
    const isVisible = (element: Element) => {
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none' && Number(style.opacity) > 0.05;
    };

    // 1. Names of form controls.
    for (const control of document.querySelectorAll<HTMLElement>('input, select, textarea, [role=combobox], [role=checkbox], [role=switch], [role=radio]')) {
      if (control instanceof HTMLInputElement && ['hidden', 'submit', 'button', 'reset'].includes(control.type)) continue;
      if (!isVisible(control) && !(control instanceof HTMLInputElement && ['checkbox', 'radio'].includes(control.type))) continue;
      if (control.closest('[aria-hidden=true]')) continue;
      const labelledBy = control.getAttribute('aria-labelledby')?.split(/\s+/).map((id) => document.getElementById(id)?.textContent?.trim()).filter(Boolean).join(' ');
      const id = control.id;
      const forLabel = id ? document.querySelector(`label[for="${CSS.escape(id)}"]`)?.textContent?.trim() : undefined;
      const wrapping = control.closest('label')?.textContent?.trim();
      const name = control.getAttribute('aria-label')?.trim() || labelledBy || forLabel || wrapping || control.getAttribute('title')?.trim() || control.getAttribute('placeholder')?.trim();
      if (!name) problems.push({ rule: 'control-name', target: describe(control), detail: 'form control without a label' });
    }
    for (const button of document.querySelectorAll<HTMLElement>('button, [role=button], a[href]')) {
      if (!isVisible(button) || button.closest('[aria-hidden=true]')) continue;
      const name = button.getAttribute('aria-label')?.trim() || button.textContent?.trim() || button.getAttribute('title')?.trim() || button.querySelector('img[alt]')?.getAttribute('alt')?.trim() || button.querySelector('[aria-label]')?.getAttribute('aria-label')?.trim();
      if (!name) problems.push({ rule: 'button-name', target: describe(button), detail: 'button or link without a name' });
    }

    // 2. Text contrast.
    type Rgba = [number, number, number, number];
    const parse = (value: string): Rgba | undefined => {
      const match = value.match(/rgba?\(([^)]+)\)/);
      if (!match) return undefined;
      const parts = match[1]!.split(/[\s,/]+/).filter(Boolean).map(Number);
      return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const alpha = top[3] + bottom[3] * (1 - top[3]);
      if (alpha === 0) return [0, 0, 0, 0];
      const mix = (index: number) => (top[index]! * top[3] + bottom[index]! * bottom[3] * (1 - top[3])) / alpha;
      return [mix(0), mix(1), mix(2), alpha];
    };
    const luminance = ([red, green, blue]: Rgba) => {
      const channel = (value: number) => {
        const scaled = value / 255;
        return scaled <= 0.03928 ? scaled / 12.92 : ((scaled + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue);
    };
    /** The opaque colour behind an element, or undefined over an image or gradient. */
    const backgroundOf = (element: Element): Rgba | undefined => {
      const layers: Rgba[] = [];
      for (let node: Element | null = element; node; node = node.parentElement) {
        const style = getComputedStyle(node);
        if (style.backgroundImage !== 'none') return undefined;
        const color = parse(style.backgroundColor);
        if (color && color[3] > 0) {
          layers.push(color);
          if (color[3] >= 1) break;
        }
      }
      let result: Rgba = [255, 255, 255, 1];
      for (const layer of layers.reverse()) result = over(layer, result);
      return result;
    };
    const seen = new Set<string>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      if (!text.textContent?.trim()) continue;
      const element = text.parentElement;
      if (!element || !isVisible(element)) continue;
      if (element.closest('[aria-hidden=true], [disabled], .ant-btn-disabled, .ant-select-disabled, .ant-input-disabled, .ant-pagination-disabled, .ant-menu-item-disabled, .ant-tabs-tab-disabled, .ant-picker-disabled, .ant-checkbox-wrapper-disabled, .ant-radio-wrapper-disabled, .ant-steps-item-wait, svg, canvas, .ant-select-selection-placeholder, .ant-empty, .ant-skeleton, .ant-tooltip, .ant-ribbon, .ant-badge')) continue;
      const style = getComputedStyle(element);
      const foreground = parse(style.color);
      const background = backgroundOf(element);
      if (!foreground || !background) continue;
      const shown = over(foreground, background);
      const [lighter, darker] = [luminance(shown), luminance(background)].sort((a, b) => b - a) as [number, number];
      const ratio = (lighter + 0.05) / (darker + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const isLarge = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const needed = isLarge ? 3 : 4.5;
      if (ratio + 0.01 < needed) {
        const target = describe(element);
        const key = `${target} ${style.color} ${ratio.toFixed(2)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        problems.push({ rule: 'color-contrast', target, detail: `"${text.textContent.trim().slice(0, 30)}" ${style.color} on rgb(${background.slice(0, 3).map(Math.round).join(',')}): ${ratio.toFixed(2)} < ${needed}` });
      }
    }
    return problems;
  });
}
