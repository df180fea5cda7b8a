import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/src/config/serverConfig.js';
import { modeSettingsFrom } from '../../server/src/meetings/settings.js';

describe('SFU configuration', () => {
  it('defaults: MESH_MAX_PARTICIPANTS 4, MESH_RETURN_AT 2, MESH_RETURN_HOLD_MS 15000, SFU_CONSUMER_BUDGET 400', () => {
    const config = parseConfig({}, '/tmp');
    expect(config.sfu).toEqual({
      meshMaxParticipants: 4,
      meshReturnAt: 2,
      meshReturnHoldMs: 15_000,
      consumerBudget: 400,
      plainRtp: false,
      nodeConsumerBudget: 0,
      nodeLostGraceMs: 2_000,
    });
    expect(modeSettingsFrom(config)).toEqual({ meshMaxParticipants: 4, meshReturnAt: 2, meshReturnHoldMs: 15_000 });
  });

  it('reads the variables', () => {
    const config = parseConfig(
      {
        MESH_MAX_PARTICIPANTS: '6',
        MESH_RETURN_AT: '3',
        MESH_RETURN_HOLD_MS: '500',
        SFU_CONSUMER_BUDGET: '50',
        SFU_NODE_CONSUMER_BUDGET: '300',
        SFU_NODE_LOST_GRACE_MS: '750',
      },
      '/tmp',
    );
    expect(config.sfu).toMatchObject({
      meshMaxParticipants: 6,
      meshReturnAt: 3,
      meshReturnHoldMs: 500,
      consumerBudget: 50,
      nodeConsumerBudget: 300,
      nodeLostGraceMs: 750,
    });
  });

  it.each([
    ['MESH_MAX_PARTICIPANTS', '1'],
    ['MESH_RETURN_AT', 'two'],
    ['MESH_RETURN_HOLD_MS', '-5'],
    ['SFU_CONSUMER_BUDGET', '0'],
    ['SFU_NODE_CONSUMER_BUDGET', '-1'],
    ['SFU_NODE_LOST_GRACE_MS', 'soon'],
  ])('refuses a bad %s with one line naming it', (name, value) => {
    expect(() => parseConfig({ [name]: value }, '/tmp')).toThrow(new RegExp(`^Invalid configuration: ${name} must be`));
  });

  it('refuses MESH_RETURN_AT at or above MESH_MAX_PARTICIPANTS', () => {
    expect(() => parseConfig({ MESH_MAX_PARTICIPANTS: '4', MESH_RETURN_AT: '4' }, '/tmp')).toThrow(
      /MESH_RETURN_AT must be below MESH_MAX_PARTICIPANTS/,
    );
  });
});
