import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/src/config/serverConfig.js';
import { meetingSettingsFrom } from '../../server/src/meetings/settings.js';

// Pure logic: the meeting variables of the configuration.
describe('meeting configuration', () => {
  it('defaults to a 20 s host grace, 60 s empty cleanup, 1 s sweeps, a 15 s instance TTL and a 10 s resume window', () => {
    const config = parseConfig({}, '/tmp');
    expect(config.meetings).toEqual({
      hostGraceMs: 20_000,
      emptyMeetingMs: 60_000,
      sweepIntervalMs: 1000,
      instanceTtlMs: 15_000,
      resumeMs: 10_000,
    });
  });

  it('reads the variables and hands TURN settings to the meetings', () => {
    const config = parseConfig(
      {
        HOST_GRACE_MS: '1500',
        EMPTY_MEETING_MS: '0',
        MEETING_SWEEP_MS: '200',
        MEETING_INSTANCE_TTL_MS: '2000',
        TURN_SECRET: 's',
        TURN_URLS: 'turn:127.0.0.1:3478',
        STUN_URLS: 'stun:127.0.0.1:3478',
        TURN_TTL: '600',
      },
      '/tmp',
    );
    expect(meetingSettingsFrom(config)).toEqual({
      hostGraceMs: 1500,
      emptyMeetingMs: 0,
      sweepIntervalMs: 200,
      instanceTtlMs: 2000,
      ice: {
        stunUrls: ['stun:127.0.0.1:3478'],
        turnUrls: ['turn:127.0.0.1:3478'],
        turnSecret: 's',
        turnTtlSeconds: 600,
      },
    });
  });

  it.each([
    ['HOST_GRACE_MS', 'soon'],
    ['EMPTY_MEETING_MS', '-1'],
    ['MEETING_SWEEP_MS', '10'],
    ['MEETING_INSTANCE_TTL_MS', '1.5'],
  ])('refuses a bad %s with one line naming it', (name, value) => {
    expect(() => parseConfig({ [name]: value }, '/tmp')).toThrow(
      new RegExp(`^Invalid configuration: ${name} must be an integer`),
    );
  });
});
