/**
 * Which IANA time zone a carrier checkpoint's wall-clock time was written in.
 *
 * AfterShip's `checkpoint_time` is the local time at the checkpoint's location, usually without a
 * UTC offset. The zone is "known" only when the location names it without guessing:
 * - a country with a single zone (ISO 3166 alpha-2 or alpha-3), or
 * - a US state (the zone of most of the state; Kentucky is Eastern like Louisville, Kansas
 *   Central like most of it).
 * Anything else (a multi-zone country without a state, an empty location) is unknown, and the
 * caller falls back to the shipment's zone or refuses the timestamp.
 */

/** Countries with one time zone, by alpha-2 code. Multi-zone countries are left out on purpose. */
const SINGLE_ZONE_COUNTRIES: Readonly<Record<string, string>> = {
  IN: 'Asia/Kolkata',
  DE: 'Europe/Berlin',
  HK: 'Asia/Hong_Kong',
  GB: 'Europe/London',
  FR: 'Europe/Paris',
  NL: 'Europe/Amsterdam',
  BE: 'Europe/Brussels',
  IT: 'Europe/Rome',
  PL: 'Europe/Warsaw',
  CN: 'Asia/Shanghai',
  JP: 'Asia/Tokyo',
  KR: 'Asia/Seoul',
  SG: 'Asia/Singapore',
  AE: 'Asia/Dubai',
  TW: 'Asia/Taipei',
  CH: 'Europe/Zurich',
  AT: 'Europe/Vienna',
  IE: 'Europe/Dublin',
};

/** Alpha-3 to alpha-2 for the countries above and the multi-zone ones with states (US). */
const ALPHA3: Readonly<Record<string, string>> = {
  IND: 'IN',
  DEU: 'DE',
  HKG: 'HK',
  GBR: 'GB',
  FRA: 'FR',
  NLD: 'NL',
  BEL: 'BE',
  ITA: 'IT',
  POL: 'PL',
  CHN: 'CN',
  JPN: 'JP',
  KOR: 'KR',
  SGP: 'SG',
  ARE: 'AE',
  TWN: 'TW',
  CHE: 'CH',
  AUT: 'AT',
  IRL: 'IE',
  USA: 'US',
};

const EASTERN = 'America/New_York';
const CENTRAL = 'America/Chicago';
const MOUNTAIN = 'America/Denver';
const PACIFIC = 'America/Los_Angeles';

/** US states and DC by postal code: the zone of most of the state. */
const US_STATE_ZONES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    ['CT', 'DE', 'DC', 'FL', 'GA', 'IN', 'KY', 'ME', 'MD', 'MA', 'MI', 'NH', 'NJ', 'NY', 'NC', 'OH']
      .concat(['PA', 'RI', 'SC', 'VT', 'VA', 'WV'])
      .map((s) => [s, EASTERN]),
  ),
  ...Object.fromEntries(
    ['AL', 'AR', 'IL', 'IA', 'KS', 'LA', 'MN', 'MS', 'MO', 'NE', 'ND', 'OK', 'SD', 'TN', 'TX', 'WI'].map(
      (s) => [s, CENTRAL],
    ),
  ),
  ...Object.fromEntries(['CO', 'ID', 'MT', 'NM', 'UT', 'WY'].map((s) => [s, MOUNTAIN])),
  AZ: 'America/Phoenix',
  ...Object.fromEntries(['CA', 'NV', 'OR', 'WA'].map((s) => [s, PACIFIC])),
  AK: 'America/Anchorage',
  HI: 'Pacific/Honolulu',
};

/** The parts of a location that decide its zone (AfterShip checkpoint or tracking fields). */
export interface ZoneHints {
  /** ISO alpha-2 or alpha-3 country code, or empty. */
  country?: string | null;
  /** State or province code, or empty. */
  state?: string | null;
}

/** Normalizes a country code to alpha-2 (upper case), or null when empty or unknown here. */
export function countryAlpha2(code: string | null | undefined): string | null {
  const c = (code ?? '').trim().toUpperCase();
  if (c.length === 2) return c;
  if (c.length === 3) return ALPHA3[c] ?? null;
  return null;
}

/**
 * The zone of a location, or null when it is not known without guessing.
 * A state code alone (USPS checkpoints leave the country empty) is read as a US state.
 */
export function zoneOfLocation(hints: ZoneHints): string | null {
  const country = countryAlpha2(hints.country);
  const state = (hints.state ?? '').trim().toUpperCase();
  if (country && SINGLE_ZONE_COUNTRIES[country]) return SINGLE_ZONE_COUNTRIES[country];
  if ((country === 'US' || country === null) && state && US_STATE_ZONES[state]) return US_STATE_ZONES[state];
  return null;
}
