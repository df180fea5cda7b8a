import { createEffect, createSignal, on, onCleanup } from 'solid-js';

const [blocked, setBlocked] = createSignal(false);
const elements = new Set<HTMLAudioElement>();

/** True when the browser refused to play sound without a click (autoplay policy). */
export const audioBlocked = blocked;

/** Plays every remote audio element again; call it from a click. */
export function unblockAudio(): void {
  setBlocked(false);
  for (const element of elements) element.play().catch(() => setBlocked(true));
}

/**
 * The sound of one participant, from an `<audio>` element outside the video tiles so that a
 * blocked autoplay never stops the pictures. A refused play() shows the "turn on sound" prompt.
 */
export function RemoteAudio(props: { stream: MediaStream | null; peerId: string }) {
  let audio!: HTMLAudioElement;
  createEffect(
    on(
      () => props.stream,
      (stream) => {
        if (audio.srcObject !== stream) audio.srcObject = stream;
        if (!stream) return;
        audio.play().catch((error: unknown) => {
          if (error instanceof DOMException && error.name === 'NotAllowedError') setBlocked(true);
        });
      },
    ),
  );
  onCleanup(() => {
    elements.delete(audio);
    audio.srcObject = null;
  });
  return (
    <audio
      ref={(element) => {
        audio = element;
        elements.add(element);
      }}
      autoplay
      data-peer-audio={props.peerId}
    />
  );
}
