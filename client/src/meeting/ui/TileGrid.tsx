import { createMemo, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { bestGrid } from './gridLayout.js';
import styles from './TileGrid.module.css';

const GAP = 8;

/**
 * Lays `count` children out as the largest equal tiles that fit its box (see bestGrid): 16:9
 * tiles on landscape boxes, square ones on portrait boxes (phones).
 */
export function TileGrid(props: { count: number; class?: string; testId?: string; children: JSX.Element }) {
  let box!: HTMLDivElement;
  const [size, setSize] = createSignal({ width: 0, height: 0 });

  onMount(() => {
    const measure = () => setSize({ width: box.clientWidth, height: box.clientHeight });
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    measure();
    onCleanup(() => observer.disconnect());
  });

  const layout = createMemo(() => {
    const { width, height } = size();
    const aspect = width > 0 && height > 0 && width / height < 0.8 ? 1 : 16 / 9;
    return bestGrid(props.count, width, height, GAP, aspect);
  });

  return (
    <div
      ref={(element) => (box = element)}
      class={`${styles.grid} ${props.class ?? ''}`}
      data-testid={props.testId}
      data-columns={layout().columns}
      style={{
        'grid-template-columns': `repeat(${layout().columns}, ${layout().tileWidth}px)`,
        'grid-auto-rows': `${layout().tileHeight}px`,
      }}
    >
      {props.children}
    </div>
  );
}
