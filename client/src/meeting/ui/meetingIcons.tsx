import type { JSX } from 'solid-js';
import { IconSvg, iconPaths } from '../../ui/icons.js';

/** Call control icons (24×24, stroke = currentColor), in the style of ui/icons.tsx. */
export type MeetingIconName =
  | 'mic'
  | 'mic-off'
  | 'camera'
  | 'camera-off'
  | 'screen'
  | 'screen-off'
  | 'hangup'
  | 'settings'
  | 'users'
  | 'end'
  | 'copy'
  | 'check'
  | 'link'
  | 'video'
  | 'volume'
  | 'chat'
  | 'lock'
  | 'hand'
  | 'smile';

const paths: Record<MeetingIconName, () => JSX.Element> = {
  users: iconPaths.users,
  check: iconPaths.check,
  video: iconPaths.video,
  chat: iconPaths.chat,
  lock: iconPaths.lock,
  hand: () => (
    <path d="M8 11V5.5a1.5 1.5 0 0 1 3 0V11m0-6.5V4a1.5 1.5 0 0 1 3 0v7m0-5.5a1.5 1.5 0 0 1 3 0V13m-9-1.5V9.5a1.5 1.5 0 0 0-3 0V14a7 7 0 0 0 7 7h1a6 6 0 0 0 6-6v-2" />
  ),
  smile: () => (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01" />
    </>
  ),
  mic: () => (
    <>
      <rect x="9" y="3" width="6" height="11" rx="3" />
      <path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21M8.5 21h7" />
    </>
  ),
  'mic-off': () => (
    <>
      <path d="M15 9.5V6a3 3 0 0 0-5.8-1.1M9 9v2a3 3 0 0 0 4.6 2.5" />
      <path d="M18.5 11a6.5 6.5 0 0 1-1 3.4M5.5 11a6.5 6.5 0 0 0 10 5.5M12 17.5V21M8.5 21h7M3 3l18 18" />
    </>
  ),
  camera: () => (
    <>
      <rect x="3" y="6" width="13" height="12" rx="2.5" />
      <path d="M16 10.5l5-3v9l-5-3" />
    </>
  ),
  'camera-off': () => (
    <>
      <path d="M9 6h4.5A2.5 2.5 0 0 1 16 8.5v4M16 16v-.5A2.5 2.5 0 0 1 13.5 18h-8A2.5 2.5 0 0 1 3 15.5v-7A2.5 2.5 0 0 1 5 6" />
      <path d="M16 10.5l5-3v9l-3.5-2.1M3 3l18 18" />
    </>
  ),
  screen: () => (
    <>
      <rect x="3" y="4" width="18" height="12.5" rx="2" />
      <path d="M8.5 20.5h7M12 16.5v4M12 13V7.5M9.5 10l2.5-2.5 2.5 2.5" />
    </>
  ),
  'screen-off': () => (
    <>
      <rect x="3" y="4" width="18" height="12.5" rx="2" />
      <path d="M8.5 20.5h7M12 16.5v4M9.5 7.8l5 5M14.5 7.8l-5 5" />
    </>
  ),
  hangup: () => (
    <path d="M3.3 14.6l-.6-2a1.8 1.8 0 0 1 .8-2C6 9.2 8.9 8.5 12 8.5s6 .7 8.5 2.1a1.8 1.8 0 0 1 .8 2l-.6 2a1.4 1.4 0 0 1-1.6 1l-3-.7a1.4 1.4 0 0 1-1-1.1l-.3-1.6a10 10 0 0 0-5.6 0l-.3 1.6a1.4 1.4 0 0 1-1 1.1l-3 .7a1.4 1.4 0 0 1-1.6-1z" />
  ),
  settings: () => (
    <>
      <circle cx="12" cy="12" r="3" />
      <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
    </>
  ),
  end: () => (
    <>
      <rect x="4" y="4" width="16" height="16" rx="3" />
      <path d="M9 9l6 6M15 9l-6 6" />
    </>
  ),
  copy: () => (
    <>
      <rect x="8.5" y="8.5" width="12" height="12" rx="2" />
      <path d="M15.5 8.5V5.5a2 2 0 0 0-2-2h-8a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h3" />
    </>
  ),
  link: () => (
    <>
      <path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1" />
      <path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" />
    </>
  ),
  volume: () => (
    <>
      <path d="M4 9.5h3.5L12 5.5v13l-4.5-4H4z" />
      <path d="M15.5 9a4 4 0 0 1 0 6M18 6.5a7.5 7.5 0 0 1 0 11" />
    </>
  ),
};

export function MeetingIcon(props: { name: MeetingIconName; size?: number; class?: string }) {
  return (
    <IconSvg size={props.size} class={props.class}>
      {paths[props.name]()}
    </IconSvg>
  );
}
