import { describe, expect, it } from 'vitest';
import { resolveCity } from '../../../src/kinds/forecast/city-lookup.js';

describe('resolveCity', () => {
  it('resolves Seattle to the US', () => {
    const city = resolveCity('Seattle');
    expect(city?.name).toBe('Seattle');
    expect(city?.country).toBe('US');
    expect(city?.latitude).toBeCloseTo(47.57, 1);
    expect(city?.longitude).toBeCloseTo(-122.34, 1);
    expect(city?.timeZone).toBe('America/Los_Angeles');
  });

  it('ignores case and surrounding space', () => {
    expect(resolveCity('  sEaTtLe ')?.country).toBe('US');
  });

  it('picks the most populous namesake', () => {
    expect(resolveCity('Portland')?.province).toBe('Oregon');
  });

  it('honours a state qualifier', () => {
    expect(resolveCity('Portland, ME')?.province).toBe('Maine');
    expect(resolveCity('Portland, Maine')?.province).toBe('Maine');
  });

  it('honours a country qualifier', () => {
    expect(resolveCity('Paris, FR')?.country).toBe('FR');
    expect(resolveCity('Seattle, USA')?.country).toBe('US');
    expect(resolveCity('Seattle, United States of America')?.country).toBe('US');
  });

  it('matches names with and without accents', () => {
    expect(resolveCity('São Paulo')?.country).toBe('BR');
    expect(resolveCity('Sao Paulo')?.country).toBe('BR');
  });

  it('returns null for an unknown city', () => {
    expect(resolveCity('Atlantis')).toBeNull();
  });

  it('returns null for a qualifier that matches nothing', () => {
    expect(resolveCity('Seattle, FR')).toBeNull();
  });
});
