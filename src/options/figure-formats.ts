import type { FigureFormat } from '../core/results.js';
import { invalidOption } from './validators.js';

const FORMATS: readonly FigureFormat[] = ['png', 'svg', 'pdf'];
export const DEFAULT_FIGURE_FORMATS: readonly FigureFormat[] = Object.freeze(['png']);

/** `figureFormats`: a non-empty list of png, svg, pdf without repeats; the first is `result.figures`'. */
export function expectFigureFormats(name: string, value: unknown): readonly FigureFormat[] {
  const valid =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => FORMATS.includes(item as FigureFormat)) &&
    new Set(value).size === value.length;
  if (!valid) throw invalidOption(name, `a non-empty array of distinct formats among ${FORMATS.join(', ')}`, value);
  return Object.freeze([...(value as FigureFormat[])]);
}
