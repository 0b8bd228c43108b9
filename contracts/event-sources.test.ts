import { describe, expect, it } from 'vitest';
import { EVENT_SOURCES, sourceKind } from './event-sources';

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
