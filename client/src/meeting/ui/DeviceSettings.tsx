import { createEffect, For, on, onCleanup, onMount, Show } from 'solid-js';
import { createDeviceLists, withDeviceInUse, type DeviceOption } from '../media/devices.js';
import type { LocalMedia } from '../media/LocalMedia.js';
import styles from './DeviceSettings.module.css';

function DeviceSelect(props: {
  label: string;
  testId: string;
  options: DeviceOption[];
  value: string | null;
  disabled: boolean;
  onChange: (deviceId: string) => void;
}) {
  return (
    <label class={styles.field}>
      <span class={styles.label}>{props.label}</span>
      <select
        class={styles.select}
        data-testid={props.testId}
        disabled={props.disabled || props.options.length === 0}
        onChange={(event) => props.onChange(event.currentTarget.value)}
      >
        <Show when={props.options.length === 0}>
          <option value="">None found</option>
        </Show>
        <For each={props.options}>
          {(option) => (
            <option value={option.deviceId} selected={option.deviceId === props.value}>
              {option.label}
            </option>
          )}
        </For>
      </select>
    </label>
  );
}

/** A popover with the microphone and camera choices (switching uses replaceTrack, no renegotiation). */
export function DeviceSettings(props: { media: LocalMedia; onClose: () => void }) {
  let panel!: HTMLDivElement;
  const devices = createDeviceLists();
  // Firefox names a kind's devices only while it is captured: read the lists again when a track changes.
  createEffect(
    on(
      () => [props.media.track('audio'), props.media.track('camera')],
      () => void devices.refresh(),
      { defer: true },
    ),
  );

  onMount(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') props.onClose();
    };
    const onPointer = (event: PointerEvent) => {
      const anchor = panel.parentElement;
      if (anchor && !anchor.contains(event.target as Node)) props.onClose();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    onCleanup(() => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    });
    panel.querySelector('select')?.focus();
  });

  return (
    <div
      ref={(element) => (panel = element)}
      class={styles.panel}
      role="dialog"
      aria-label="Devices"
      data-testid="device-panel"
    >
      <DeviceSelect
        label="Microphone"
        testId="select-microphone"
        options={withDeviceInUse(devices.microphones(), props.media.track('audio'))}
        value={props.media.currentDevices().audio}
        disabled={props.media.busy() === 'audio'}
        onChange={(deviceId) => void props.media.selectDevice('audioinput', deviceId)}
      />
      <DeviceSelect
        label="Camera"
        testId="select-camera"
        options={withDeviceInUse(devices.cameras(), props.media.track('camera'))}
        value={props.media.currentDevices().video}
        disabled={props.media.busy() === 'camera'}
        onChange={(deviceId) => void props.media.selectDevice('videoinput', deviceId)}
      />
    </div>
  );
}
