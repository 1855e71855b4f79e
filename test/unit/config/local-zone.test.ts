import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localZoneFrom } from '../../../src/config/local-zone.ts';

describe('localZoneFrom (what Local means, from TZ as Go reads it)', () => {
  const system = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const rows: [tz: string | undefined, zone: string][] = [
    [undefined, system],
    ['', 'UTC'],
    ['Europe/Paris', 'Europe/Paris'],
    [':Asia/Tokyo', 'Asia/Tokyo'],
  ];
  for (const [tz, zone] of rows) {
    it(`TZ=${tz === undefined ? '(unset)' : JSON.stringify(tz)} → ${zone}`, () => {
      assert.equal(localZoneFrom(tz === undefined ? {} : { TZ: tz }), zone);
    });
  }
});
