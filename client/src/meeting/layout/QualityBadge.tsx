import { Show } from 'solid-js';
import { describeQuality, type ConnectionQuality } from './quality.js';
import styles from './layout.module.css';

/** Three bars in a tile's corner: green, amber or red from loss, jitter and frame rate. */
export function QualityBadge(props: { quality: ConnectionQuality | null }) {
  return (
    <Show when={props.quality && props.quality.level !== 'unknown' ? props.quality : null}>
      {(quality) => (
        <span
          class={`${styles.quality} ${styles[quality().level]}`}
          data-testid="connection-quality"
          data-level={quality().level}
          title={describeQuality(quality())}
          aria-label={describeQuality(quality())}
        >
          <i />
          <i />
          <i />
        </span>
      )}
    </Show>
  );
}
