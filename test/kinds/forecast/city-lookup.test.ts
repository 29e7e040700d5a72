import cityTimezones from 'city-timezones';
import { describe, expect, it } from 'vitest';
import { resolveCity } from '../../../src/kinds/forecast/city-lookup.js';

describe('resolveCity', () => {
  it('resolves Seattle to the US', () => {
    const city = resolveCity('Seattle');
    expect(city?.name).toBe('Seattle');
    expect(city?.country).toBe('US');
    expect(city?.countryName).toBe('United States of America');
    expect(city?.province).toBe('Washington');
    expect(city?.latitude).toBeCloseTo(47.57, 2);
    expect(city?.longitude).toBeCloseTo(-122.34, 2);
    expect(city?.timeZone).toBe('America/Los_Angeles');
  });

  it('ignores case and surrounding whitespace', () => {
    for (const query of ['seattle', 'SEATTLE', '  Seattle\t', 'Seattle ,  US ']) {
      expect(resolveCity(query)?.name, query).toBe('Seattle');
    }
  });

  it('ignores accents', () => {
    expect(resolveCity('São Paulo')?.country).toBe('BR');
    expect(resolveCity('Sao Paulo')?.country).toBe('BR');
    expect(resolveCity('Montreal')?.name).toBe('Montréal');
    expect(resolveCity('Montréal')?.name).toBe('Montréal');
  });

  it('prefers the most populous match', () => {
    expect(resolveCity('Portland')?.province).toBe('Oregon');
  });

  it('accepts a state qualifier', () => {
    expect(resolveCity('Portland, ME')?.province).toBe('Maine');
    expect(resolveCity('Portland, Maine')?.province).toBe('Maine');
    expect(resolveCity('Portland, OR')?.province).toBe('Oregon');
    expect(resolveCity('Portland, Oregon')?.province).toBe('Oregon');
  });

  it('accepts a country qualifier', () => {
    for (const query of ['Seattle, US', 'Seattle, USA', 'Seattle, United States of America']) {
      expect(resolveCity(query)?.name, query).toBe('Seattle');
    }
    expect(resolveCity('Paris, FR')?.country).toBe('FR');
    expect(resolveCity('Portland, AU')?.province).toBe('Victoria');
    expect(resolveCity('Portland, Australia')?.province).toBe('Victoria');
  });

  it('accepts several qualifiers', () => {
    expect(resolveCity('Springfield, IL, US')?.province).toBe('Illinois');
    expect(resolveCity('Portland, Maine, USA')?.province).toBe('Maine');
  });

  it('accepts commas inside names', () => {
    expect(resolveCity('Washington, D.C.')?.province).toBe('District of Columbia');
    const awasa = resolveCity('Awasa, Southern Nations, Nationalities and Peoples');
    expect(awasa?.country).toBe('ET');
  });

  it('returns null for unknown cities', () => {
    expect(resolveCity('Atlantis')).toBeNull();
    expect(resolveCity('')).toBeNull();
    expect(resolveCity(',')).toBeNull();
  });

  it('returns null for a wrong qualifier', () => {
    expect(resolveCity('Seattle, FR')).toBeNull();
    expect(resolveCity('Portland, Texas')).toBeNull();
  });

  it('fills in missing country codes', () => {
    expect(resolveCity('Pristina')?.country).toBe('XK');
    expect(resolveCity('Hargeysa')?.country).toBe('SO');
  });

  it('skips a city placed at 0, 0', () => {
    expect(resolveCity('Oymyakon')).toBeNull();
  });

  it('fills in missing time zones', () => {
    expect(resolveCity('Perm')?.timeZone).toBe('Etc/GMT-4');
    expect(resolveCity('McMurdo Station')?.timeZone).toBe('Etc/GMT-11');
  });

  it('gives every city usable fields', () => {
    const timeZones = new Set<string>();
    for (const record of cityTimezones.cityMapping) {
      if (record.lat === 0 && record.lng === 0) continue;
      const query = `${record.city}, ${record.iso3}`;
      const city = resolveCity(query);
      expect(city, query).not.toBeNull();
      expect(city?.country, query).toMatch(/^[A-Z]{2}$/);
      if (city) timeZones.add(city.timeZone);
    }
    for (const timeZone of timeZones) {
      expect(() => new Intl.DateTimeFormat('en-US', { timeZone }), timeZone).not.toThrow();
    }
  });
});
