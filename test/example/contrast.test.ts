import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Reads the colour variables of the example app's `:root` rule, keyed by name without `--`. */
function readColours(): Map<string, string> {
  const css = readFileSync(new URL('../../example-app/public/style.css', import.meta.url), 'utf8');
  const root = /:root\s*\{([^}]*)\}/.exec(css)?.[1] ?? '';
  const colours = new Map<string, string>();
  for (const match of root.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)) {
    colours.set(match[1]!, match[2]!);
  }
  return colours;
}

/** Computes the relative luminance of a #rrggbb colour, as WCAG 2 defines it. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((start) => {
    const channel = parseInt(hex.slice(start, start + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(first: string, second: string): number {
  const [light, dark] = [luminance(first), luminance(second)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
}

const colours = readColours();
function colour(name: string): string {
  const value = colours.get(name);
  if (value === undefined) throw new Error(`Missing colour --${name} in style.css`);
  return value;
}

describe('example app colours', () => {
  // The outline is drawn 2 px outside the control, so it sits on the background around it.
  it.each(['card', 'background', 'notice-background', 'error-background'])(
    'shows the focus outline on --%s at 4.5:1 or more',
    (backgroundName) => {
      expect(contrast(colour('focus'), colour(backgroundName))).toBeGreaterThanOrEqual(4.5);
    },
  );

  it.each([
    ['text', 'card'],
    ['text', 'background'],
    ['muted', 'card'],
    ['muted', 'background'],
    ['accent', 'card'],
    ['accent-text', 'accent'],
    ['error-text', 'error-background'],
    ['text', 'notice-background'],
  ])('sets --%s on --%s at 4.5:1 or more', (textName, backgroundName) => {
    expect(contrast(colour(textName), colour(backgroundName))).toBeGreaterThanOrEqual(4.5);
  });
});
