import { Show } from 'solid-js';
import styles from './layout.module.css';

/**
 * Above the camera grid once the call has a few people: the speaker-view toggle and, when the
 * grid has more than one page, the page buttons.
 */
export function StageToolbar(props: {
  participants: number;
  page: number;
  pages: number;
  onPage: (page: number) => void;
  speakerView: boolean;
  onSpeakerView: (on: boolean) => void;
}) {
  return (
    <Show when={props.participants >= 2}>
      <div class={styles.toolbar}>
        <button
          type="button"
          class={styles.viewToggle}
          data-testid="speaker-view-toggle"
          aria-pressed={props.speakerView}
          onClick={() => props.onSpeakerView(!props.speakerView)}
        >
          {props.speakerView ? 'Grid view' : 'Speaker view'}
        </button>
        <Show when={props.pages > 1}>
          <nav class={styles.pager} data-testid="grid-pager" aria-label="Pages of participants">
            <button
              type="button"
              disabled={props.page === 0}
              onClick={() => props.onPage(props.page - 1)}
              aria-label="Previous page"
            >
              ‹
            </button>
            <span data-testid="grid-page">
              {props.page + 1} / {props.pages}
            </span>
            <button
              type="button"
              disabled={props.page >= props.pages - 1}
              onClick={() => props.onPage(props.page + 1)}
              aria-label="Next page"
            >
              ›
            </button>
          </nav>
        </Show>
      </div>
    </Show>
  );
}
