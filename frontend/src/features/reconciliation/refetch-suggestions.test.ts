import { describe, expect, it } from 'vitest';
import { classificationText } from './refetch-suggestions';

describe('classificationText', () => {
  it('names API types with their labels and a matched pair as Matched', () => {
    expect(classificationText(['status'])).toBe('Status');
    expect(classificationText(['matched'])).toBe('Matched');
    expect(classificationText(['missing_payshack'])).toBe('Missing in PayShack');
  });
  it('says nothing for a key the day does not report', () => {
    expect(classificationText([])).toBe('nothing');
  });
});
