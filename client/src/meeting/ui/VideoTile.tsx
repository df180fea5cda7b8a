import { createEffect, on, onCleanup, Show, type JSX } from 'solid-js';
import { Avatar } from '../../ui/Avatar.js';
import { MeetingIcon } from './meetingIcons.js';
import styles from './VideoTile.module.css';

/** Gecko does not switch a playing element to a track added to its MediaStream after the old one goes. */
const RELOAD_AFTER_TRACK_SWAP = typeof navigator !== 'undefined' && /\bFirefox\//.test(navigator.userAgent);

export type TileKind = 'local' | 'local-screen' | 'camera' | 'screen';

export interface VideoTileProps {
  kind: TileKind;
  stream: MediaStream | null;
  name: string;
  seed: string;
  peerId?: string;
  micMuted?: boolean;
  /** Show the avatar instead of the picture (camera off, nothing received yet). */
  videoOff?: boolean;
  /** A short line over the tile, e.g. "Connecting…". */
  status?: string | null;
  host?: boolean;
  /** The element has its first frame (for the join → first frame measurement). */
  onFirstFrame?: () => void;
  /** The participant is the active speaker (highlighted). */
  speaking?: boolean;
  /** Extra content over the picture, e.g. the connection-quality indicator. */
  badge?: JSX.Element;
  /** 1-based place in the queue of raised hands, or null. */
  hand?: number | null;
  /** A reaction shown over the tile right now. */
  reaction?: string | null;
  /** Receives the tile's element (to observe its size and visibility). */
  tileRef?: (element: HTMLElement) => void;
  style?: JSX.CSSProperties;
  class?: string;
}

/**
 * One picture of the call. The `<video>` carries the page hooks of docs/protocol.md:
 * `data-local` (own camera, always muted), `data-peer-id` (a participant's camera) and
 * `data-source="screen"` (a screen share). Every video is muted: sound plays from RemoteAudio.
 */
export function VideoTile(props: VideoTileProps) {
  let video!: HTMLVideoElement;

  const setup = (element: HTMLVideoElement) => {
    video = element;
    element.muted = true;
    element.defaultMuted = true;
    element.setAttribute('muted', '');
    element.autoplay = true;
    element.playsInline = true;
    element.addEventListener('loadeddata', () => props.onFirstFrame?.());
  };

  // The element plays one stream of its own for its whole life and holds the video track of
  // `props.stream`: a new source (the SFU's stream after a switch) swaps the track inside it
  // (added before the old one goes), so the element keeps its last picture and its player
  // instead of loading a new stream.
  // Firefox keeps showing the removed track (a frozen picture) instead of the added one: there
  // the element loads the stream again after a swap (a short blank instead of a frozen tile).
  const shown = new MediaStream();
  const follow = (source: MediaStream | null) => {
    const wanted = source ? source.getVideoTracks() : [];
    let removed = false;
    for (const track of wanted) if (!shown.getTrackById(track.id)) shown.addTrack(track);
    for (const track of shown.getVideoTracks())
      if (!wanted.includes(track)) {
        shown.removeTrack(track);
        removed = true;
      }
    const swapped = removed && shown.getVideoTracks().length > 0;
    if (swapped && RELOAD_AFTER_TRACK_SWAP && video.srcObject === shown) {
      video.srcObject = shown;
      video.play().catch(() => undefined);
    }
  };
  createEffect(
    on(
      () => props.stream,
      (stream) => {
        follow(stream);
        if (!stream) return;
        const sync = () => follow(stream);
        stream.addEventListener('addtrack', sync);
        stream.addEventListener('removetrack', sync);
        if (video.srcObject !== shown) video.srcObject = shown;
        video.play().catch(() => undefined);
        onCleanup(() => {
          stream.removeEventListener('addtrack', sync);
          stream.removeEventListener('removetrack', sync);
        });
      },
    ),
  );

  onCleanup(() => {
    video.srcObject = null;
  });

  const isScreen = () => props.kind === 'screen' || props.kind === 'local-screen';

  return (
    <figure
      ref={(element) => props.tileRef?.(element)}
      class={`${styles.tile} ${isScreen() ? styles.screen : ''} ${props.speaking ? styles.speaking : ''} ${props.class ?? ''}`}
      style={props.style}
      data-testid="tile"
      data-kind={props.kind}
      data-tile-peer={props.peerId}
      data-mic-muted={props.micMuted ? '' : undefined}
      data-video-off={props.videoOff ? '' : undefined}
      data-speaking={props.speaking ? '' : undefined}
      data-hand={props.hand ?? undefined}
    >
      <video
        ref={setup}
        class={`${styles.video} ${props.kind === 'local' ? styles.mirror : ''}`}
        data-local={props.kind === 'local' ? '' : undefined}
        data-local-screen={props.kind === 'local-screen' ? '' : undefined}
        data-peer-id={props.kind === 'camera' || props.kind === 'screen' ? props.peerId : undefined}
        data-source={isScreen() ? 'screen' : undefined}
        aria-label={isScreen() ? `${props.name}'s screen` : props.name}
      />
      <Show when={props.videoOff && !isScreen()}>
        <div class={styles.placeholder}>
          <Avatar name={props.name} seed={props.seed} size={72} />
        </div>
      </Show>
      <Show when={props.status}>
        <div class={styles.status} role="status">
          {props.status}
        </div>
      </Show>
      {props.badge}
      <Show when={props.hand}>
        <div class={styles.hand} data-testid="tile-hand" title={`Hand raised (${props.hand ?? ''} in the queue)`}>
          <MeetingIcon name="hand" size={14} /> {props.hand}
        </div>
      </Show>
      <Show when={props.reaction}>
        {(emoji) => (
          <div class={styles.reaction} data-testid="tile-reaction" aria-live="polite">
            {emoji()}
          </div>
        )}
      </Show>
      <figcaption class={styles.label}>
        <Show when={props.micMuted && !isScreen()}>
          <span class={styles.muted} title="Microphone off">
            <MeetingIcon name="mic-off" size={14} />
          </span>
        </Show>
        <Show when={isScreen()}>
          <MeetingIcon name="screen" size={14} />
        </Show>
        <span class={styles.name}>{isScreen() ? `${props.name} · screen` : props.name}</span>
        <Show when={props.host}>
          <span class={styles.host}>Host</span>
        </Show>
      </figcaption>
    </figure>
  );
}
