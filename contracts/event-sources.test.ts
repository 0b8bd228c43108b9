import { describe, expect, it } from 'vitest';
import { apiSourceIssue, DRILL_RUNNER_SOURCE, EVENT_SOURCES, sourceKind } from './event-sources';

describe('sourceKind', () => {
  it('names each producer of this project by its registered source', () => {
    expect(sourceKind(EVENT_SOURCES.console.source, null)).toBe('console');
    expect(sourceKind(EVENT_SOURCES.olistImport.source, null)).toBe('import');
    expect(sourceKind(EVENT_SOURCES.carrier.source, null)).toBe('carrier');
  });
  it('drill traffic is a drill whoever produced it; unknown sources are other', () => {
    expect(sourceKind(EVENT_SOURCES.console.source, 'd-1')).toBe('drill');
    expect(sourceKind('erp.example', null)).toBe('other');
  });
});

describe('apiSourceIssue', () => {
  it("refuses the importers' sources, in any letter case or punctuation, naming source and the rule", () => {
    for (const source of ['olist-import', 'aftership-import', 'Olist_Import', ' AFTERSHIP import ']) {
      expect(apiSourceIssue(source, null), source).toMatchObject({
        field: 'source',
        rule: 'reserved_source',
      });
      expect(apiSourceIssue(source, 'd-1'), source).toMatchObject({ rule: 'reserved_source' });
    }
  });
  it("accepts the console's, any other system's, and the drill runner's on drill traffic only", () => {
    expect(apiSourceIssue(EVENT_SOURCES.console.source, null)).toBeNull();
    expect(apiSourceIssue('erp.example', null)).toBeNull();
    expect(apiSourceIssue(DRILL_RUNNER_SOURCE, 'd-1')).toBeNull();
    expect(apiSourceIssue(DRILL_RUNNER_SOURCE, null)).toMatchObject({ rule: 'reserved_source' });
  });
});
