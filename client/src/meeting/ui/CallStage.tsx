import type { Participant, User } from '@parley/protocol';
import { createMemo, createSignal, For, Show } from 'solid-js';
import type { MeetingCall } from '../call/createMeetingCall.js';
import type { RoomState } from '../room/createRoomState.js';
import { recordFirstFrame } from '../call/debugHooks.js';
import type { PeerConnectionState } from '../session/MeetingSession.js';
import { gridPage } from '../layout/paging.js';
import { QualityBadge } from '../layout/QualityBadge.js';
import { createTileObserver } from '../layout/tileObserver.js';
import { StageToolbar } from '../layout/StageToolbar.js';
import { RemoteAudio } from './RemoteAudio.js';
import { TileGrid } from './TileGrid.js';
import { VideoTile } from './VideoTile.js';
import styles from './CallStage.module.css';

const STATUS: Record<PeerConnectionState, string | null> = {
  connecting: 'Connecting…',
  connected: null,
  reconnecting: 'Reconnecting…',
  failed: 'Connection lost, retrying…',
  closed: null,
};

type Observe = (element: HTMLElement, peerId: string, source: 'camera' | 'screen') => void;

function RemoteTile(props: {
  call: MeetingCall;
  room?: RoomState | undefined;
  participant: Participant;
  host: boolean;
  observe: Observe;
}) {
  const peerId = () => props.participant.peerId;
  const media = createMemo(() => props.call.media(peerId()));
  const camera = () => media()?.camera ?? null;
  const showsVideo = () => {
    const current = media();
    return !!current?.camera && current.camera.getVideoTracks().length > 0 && !current.cameraOff;
  };
  return (
    <VideoTile
      kind="camera"
      peerId={peerId()}
      stream={camera()}
      name={props.participant.user.displayName}
      seed={props.participant.user.id}
      micMuted={(media()?.micMuted ?? false) || !!props.room?.hostMuted(peerId(), 'audio')}
      videoOff={!showsVideo() || !!props.room?.hostMuted(peerId(), 'video')}
      hand={props.room?.handOrder(props.participant.user.id) ?? null}
      reaction={props.room?.reaction(peerId()) ?? null}
      status={STATUS[media()?.state ?? 'connecting']}
      host={props.host}
      speaking={props.call.activeSpeaker() === peerId()}
      badge={<QualityBadge quality={props.call.quality(peerId())} />}
      tileRef={(element) => props.observe(element, peerId(), 'camera')}
      onFirstFrame={() => recordFirstFrame(peerId())}
    />
  );
}

/**
 * The pictures of a call: every camera in a paged grid (own preview first, the active speaker
 * kept on the first page and highlighted), or the speaker view (the speaker large, the rest in
 * a strip); while someone shares a screen, the screens take the stage and the cameras move to a
 * strip beside (or below) it. The size and visibility of every remote tile go to the call
 * (sfu:report_tiles in SFU mode) so the server sends each one the layer it needs.
 */
export function CallStage(props: { call: MeetingCall; self: User; room?: RoomState }) {
  const local = () => props.call.local();
  const hostId = () => props.call.meeting()?.hostId;
  const [page, setPage] = createSignal(0);
  const [speakerView, setSpeakerView] = createSignal(false);
  const observe = createTileObserver((tiles) => props.call.reportTiles(tiles));
  const remoteScreens = () =>
    props.call.participants().filter((participant) => props.call.media(participant.peerId)?.screen);
  const screenCount = () => (local()?.sharing() ? 1 : 0) + remoteScreens().length;
  const presenting = () => screenCount() > 0;
  const grid = createMemo(() =>
    gridPage(props.call.participants(), (participant) => participant.peerId, props.call.activeSpeaker(), page()),
  );
  /** Speaker view: the speaker (or the first participant) large, everyone else in the strip. */
  const featured = () => {
    if (!speakerView() || presenting()) return null;
    const all = grid().items;
    return all.find((participant) => participant.peerId === props.call.activeSpeaker()) ?? all[0] ?? null;
  };
  const stripped = () => grid().items.filter((participant) => participant !== featured());
  const tile = (participant: Participant) => (
    <RemoteTile
      call={props.call}
      room={props.room}
      participant={participant}
      host={hostId() === participant.user.id}
      observe={observe}
    />
  );

  return (
    <div class={`${styles.stage} ${presenting() || featured() ? styles.presenting : ''}`} data-testid="call-stage">
      <Show when={presenting()}>
        <TileGrid count={screenCount()} class={styles.screens} testId="screen-grid">
          <Show when={local()?.screenPreview()}>
            {(stream) => <VideoTile kind="local-screen" stream={stream()} name="You" seed={props.self.id} />}
          </Show>
          <For each={props.call.participants()}>
            {(participant) => (
              <Show when={props.call.media(participant.peerId)?.screen}>
                {(stream) => (
                  <VideoTile
                    kind="screen"
                    peerId={participant.peerId}
                    stream={stream()}
                    name={participant.user.displayName}
                    seed={participant.user.id}
                    tileRef={(element) => observe(element, participant.peerId, 'screen')}
                  />
                )}
              </Show>
            )}
          </For>
        </TileGrid>
      </Show>
      <Show when={featured()} keyed>
        {(participant) => (
          <TileGrid count={1} class={styles.screens} testId="speaker-stage">
            {tile(participant)}
          </TileGrid>
        )}
      </Show>
      <div class={presenting() || featured() ? styles.strip : styles.cameras} data-testid="camera-area">
        <StageToolbar
          participants={props.call.participants().length}
          page={grid().page}
          pages={grid().pages}
          onPage={setPage}
          speakerView={speakerView()}
          onSpeakerView={setSpeakerView}
        />
        <TileGrid count={1 + stripped().length} class={styles.cameraGrid} testId="camera-grid">
          <VideoTile
            kind="local"
            stream={local()?.preview() ?? null}
            name={`${props.self.displayName} (you)`}
            seed={props.self.id}
            micMuted={local()?.micMuted() ?? false}
            videoOff={!local()?.preview()}
            host={hostId() === props.self.id}
            speaking={props.call.activeSpeaker() === props.call.selfPeerId()}
            hand={props.room?.handOrder(props.self.id) ?? null}
            reaction={props.room?.reaction(props.call.selfPeerId() ?? '') ?? null}
          />
          <For each={stripped()}>{tile}</For>
        </TileGrid>
      </div>
      <For each={props.call.participants()}>
        {(participant) => (
          <RemoteAudio stream={props.call.media(participant.peerId)?.camera ?? null} peerId={participant.peerId} />
        )}
      </For>
    </div>
  );
}
