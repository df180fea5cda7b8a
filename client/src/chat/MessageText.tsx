import { For } from 'solid-js';
import { linkify } from './linkify.js';

/** Message text as text nodes (never HTML), with http(s) links made clickable. */
export function MessageText(props: { text: string }) {
  return (
    <For each={linkify(props.text)}>
      {(segment) =>
        segment.kind === 'link' ? (
          <a href={segment.href} target="_blank" rel="noopener noreferrer nofollow">
            {segment.text}
          </a>
        ) : (
          segment.text
        )
      }
    </For>
  );
}
