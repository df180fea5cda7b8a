import { describe, expect, it } from 'vitest';
import { withDeviceInUse, type DeviceOption } from '../src/meeting/media/devices.js';

/** A stand-in for a MediaStreamTrack: what withDeviceInUse reads of it. */
function track(deviceId: string | undefined, label: string): MediaStreamTrack {
  return { label, getSettings: () => ({ deviceId }) } as unknown as MediaStreamTrack;
}

describe('withDeviceInUse', () => {
  const listed: DeviceOption[] = [{ deviceId: 'cam-1', label: 'Front camera' }];

  it('adds the device of the track in use when enumerateDevices hid it (Firefox before capture)', () => {
    expect(withDeviceInUse([], track('fake-0', 'Default Video Device'))).toEqual([
      { deviceId: 'fake-0', label: 'Default Video Device' },
    ]);
    expect(withDeviceInUse(listed, track('cam-2', ''))).toEqual([
      { deviceId: 'cam-2', label: 'Current device' },
      ...listed,
    ]);
  });

  it('leaves the list as it is when the device is in it, or no track (or no deviceId) is in use', () => {
    expect(withDeviceInUse(listed, track('cam-1', 'Front camera'))).toBe(listed);
    expect(withDeviceInUse(listed, null)).toBe(listed);
    expect(withDeviceInUse([], track(undefined, 'Canvas'))).toEqual([]);
  });
});
