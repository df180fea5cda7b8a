import { createSignal, onCleanup, type Accessor } from 'solid-js';

export interface DeviceOption {
  deviceId: string;
  label: string;
}

export interface DeviceLists {
  microphones: Accessor<DeviceOption[]>;
  cameras: Accessor<DeviceOption[]>;
  /** Reads the lists again (after permission was granted, labels become available). */
  refresh(): Promise<void>;
}

function options(devices: MediaDeviceInfo[], kind: MediaDeviceKind, fallback: string): DeviceOption[] {
  const seen = new Set<string>();
  const result: DeviceOption[] = [];
  for (const device of devices) {
    if (device.kind !== kind || !device.deviceId || seen.has(device.deviceId)) continue;
    // Chromium lists the system default twice ('default' and its real id): keep the real one.
    if (device.deviceId === 'default' || device.deviceId === 'communications') continue;
    seen.add(device.deviceId);
    result.push({ deviceId: device.deviceId, label: device.label || `${fallback} ${result.length + 1}` });
  }
  return result;
}

/**
 * The list with the device in use in it. Firefox leaves a kind's deviceIds and labels empty in
 * enumerateDevices until that kind is captured (a page whose camera is off lists no camera);
 * the track in use still names its device, so the picker always shows it.
 */
export function withDeviceInUse(list: DeviceOption[], track: MediaStreamTrack | null): DeviceOption[] {
  const deviceId = track?.getSettings().deviceId;
  if (!track || !deviceId || list.some((option) => option.deviceId === deviceId)) return list;
  return [{ deviceId, label: track.label || 'Current device' }, ...list];
}

/** The microphones and cameras of this machine, kept current on `devicechange`. Call in a component. */
export function createDeviceLists(): DeviceLists {
  const [microphones, setMicrophones] = createSignal<DeviceOption[]>([]);
  const [cameras, setCameras] = createSignal<DeviceOption[]>([]);

  async function refresh(): Promise<void> {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    try {
      const devices = await navigator.mediaDevices.enumerateDevices();
      setMicrophones(options(devices, 'audioinput', 'Microphone'));
      setCameras(options(devices, 'videoinput', 'Camera'));
    } catch {
      // Leave the lists as they were.
    }
  }

  const onDeviceChange = () => void refresh();
  navigator.mediaDevices?.addEventListener('devicechange', onDeviceChange);
  onCleanup(() => navigator.mediaDevices?.removeEventListener('devicechange', onDeviceChange));
  void refresh();
  return { microphones, cameras, refresh };
}
