import { describe, expect, it } from 'vitest';
import { ROLES } from '../../../contracts/auth';
import { abilitiesOf, drillIdRequiredText, injectRefusal, redriveRefusal } from './access';

describe('console abilities per role', () => {
  it('follows the role matrix', () => {
    expect(abilitiesOf('viewer')).toEqual({
      injectLive: false,
      injectDrill: false,
      inject: false,
      drillIdRequired: false,
      redrive: false,
      drills: false,
    });
    expect(abilitiesOf('supervisor')).toEqual({
      injectLive: true,
      injectDrill: true,
      inject: true,
      drillIdRequired: false,
      redrive: true,
      drills: false,
    });
    expect(abilitiesOf('drill_lead')).toEqual({
      injectLive: false,
      injectDrill: true,
      inject: true,
      drillIdRequired: true,
      redrive: false,
      drills: true,
    });
    expect(abilitiesOf('owner')).toMatchObject({
      inject: true,
      drillIdRequired: false,
      redrive: true,
      drills: true,
    });
  });

  it('only a role that can inject drills but not live traffic must give a drill id', () => {
    for (const role of ROLES) {
      const a = abilitiesOf(role);
      expect(a.drillIdRequired).toBe(a.injectDrill && !a.injectLive);
    }
  });

  it('names the role in every refusal', () => {
    expect(injectRefusal('viewer')).toBe('Your role (Viewer) cannot inject events.');
    expect(redriveRefusal('drill_lead')).toContain('Drill lead');
    expect(drillIdRequiredText('drill_lead')).toContain('drill traffic only');
  });
});
