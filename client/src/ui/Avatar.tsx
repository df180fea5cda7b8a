import styles from './Avatar.module.css';

const HUES = [250, 280, 320, 200, 170, 20, 35, 140];

function hueOf(seed: string): number {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return HUES[Math.abs(hash) % HUES.length] ?? 250;
}

export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.[0] ?? '?';
  const second = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return (first + second).toUpperCase();
}

/** A round badge with a person's initials in a colour derived from their id. */
export function Avatar(props: { name: string; seed?: string; size?: number }) {
  const size = () => props.size ?? 32;
  return (
    <span
      class={styles.avatar}
      aria-hidden="true"
      style={{
        width: `${size()}px`,
        height: `${size()}px`,
        'font-size': `${Math.round(size() * 0.4)}px`,
        background: `hsl(${hueOf(props.seed ?? props.name)} 55% 52%)`,
      }}
    >
      {initialsOf(props.name)}
    </span>
  );
}
