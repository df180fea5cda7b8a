import { For, Show } from 'solid-js';
import type { RoomState } from './createRoomState.js';
import styles from './LobbyBanner.module.css';

/** For the host: who waits in the lobby of the locked meeting, each with Admit and Refuse. */
export function LobbyBanner(props: { room: RoomState }) {
  return (
    <Show when={props.room.lobby().length > 0}>
      <div class={styles.banner} role="alert" data-testid="lobby-banner">
        <For each={props.room.lobby()}>
          {(request) => (
            <div class={styles.request} data-testid="lobby-request" data-user-id={request.user.id}>
              <span class={styles.who}>{request.user.displayName} is waiting in the lobby</span>
              <button
                type="button"
                class={styles.admit}
                data-testid="lobby-admit"
                onClick={() => void props.room.admit(request.requestId, true)}
              >
                Admit
              </button>
              <button
                type="button"
                class={styles.refuse}
                data-testid="lobby-refuse"
                onClick={() => void props.room.admit(request.requestId, false)}
              >
                Refuse
              </button>
            </div>
          )}
        </For>
      </div>
    </Show>
  );
}
