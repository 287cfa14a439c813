import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmePath, renderReadme } from './support/readme-tables.js';

describe('README', () => {
  it('has the status-code and configuration tables exactly as the catalog and CONFIG_KEYS make them (npm run docs)', () => {
    const text = readFileSync(readmePath, 'utf8');
    expect(renderReadme(text)).toBe(text);
  });
});
